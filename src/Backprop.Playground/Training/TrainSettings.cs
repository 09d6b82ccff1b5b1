namespace Backprop.Playground.Training;

/// <summary>The Train view's settings; the defaults are <c>backprop train</c>'s (adam, lr 0.01, batch 32, 300 epochs).</summary>
internal sealed record TrainSettings(string Optimizer = "adam", double? LearningRate = null, int Batch = 32, int Epochs = 300, int Seed = 1)
{
    public double Lr => LearningRate ?? (Optimizer == "adam" ? 0.01 : 0.1);

    /// <summary>Reads the parameters of the training stream (<c>optimizer=adam&amp;lr=0.01&amp;batch=32&amp;epochs=300&amp;seed=1</c>).</summary>
    public static TrainSettings FromQuery(Query q)
    {
        var s = new TrainSettings();
        if (q["optimizer"] is { } o) s = s with { Optimizer = o };
        if (q["lr"] is { } lr) s = s with { LearningRate = Query.Number(lr, "lr") };
        if (q["batch"] is { } b) s = s with { Batch = (int)Query.Number(b, "batch") };
        if (q["epochs"] is { } e) s = s with { Epochs = (int)Query.Number(e, "epochs") };
        if (q["seed"] is { } seed) s = s with { Seed = (int)Query.Number(seed, "seed") };
        if (s.Epochs < 1 || s.Epochs > Limits.MaxEpochs) throw new BackpropException($"epochs must be from 1 to {Limits.MaxEpochs}, got {s.Epochs}");
        if (s.Batch < 1 || s.Batch > 65_536) throw new BackpropException($"batch must be from 1 to 65536, got {s.Batch}");
        if (!(s.Lr > 0) || !double.IsFinite(s.Lr)) throw new BackpropException($"the learning rate must be a positive number, got {s.Lr}");
        return s;
    }
}
