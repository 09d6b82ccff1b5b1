namespace Backprop.Playground.Training;

/// <summary>The Train view's settings; the defaults are <c>backprop train</c>'s (adam, lr 0.01, batch 32, 300 epochs).</summary>
/// <remarks>
/// <c>epochs=0</c> trains until stopped (up to <see cref="Limits.MaxEpochs"/> epochs in all); <c>pace=MS</c> makes
/// each epoch last at least MS milliseconds (0 to 1000), so that a run can be watched.
/// </remarks>
internal sealed record TrainSettings(string Optimizer = "adam", double? LearningRate = null, int Batch = 32, int Epochs = 300, int Seed = 1, int Pace = 0)
{
    /// <summary>True when the run goes on until stopped.</summary>
    public bool UntilStopped => Epochs == 0;

    public double Lr => LearningRate ?? (Optimizer == "adam" ? 0.01 : 0.1);

    /// <summary>Reads the parameters of the training stream (<c>optimizer=adam&amp;lr=0.01&amp;batch=32&amp;epochs=300&amp;seed=1&amp;pace=0</c>).</summary>
    public static TrainSettings FromQuery(Query q)
    {
        var s = new TrainSettings();
        if (q["optimizer"] is { } o) s = s with { Optimizer = o };
        if (q["lr"] is { } lr) s = s with { LearningRate = Query.Number(lr, "lr") };
        if (q["batch"] is { } b) s = s with { Batch = (int)Query.Number(b, "batch") };
        if (q["epochs"] is { } e) s = s with { Epochs = (int)Query.Number(e, "epochs") };
        if (q["seed"] is { } seed) s = s with { Seed = (int)Query.Number(seed, "seed") };
        if (q["pace"] is { } pace) s = s with { Pace = (int)Query.Number(pace, "pace") };
        if (s.Pace < 0 || s.Pace > 1000) throw new BackpropException($"pace must be from 0 to 1000 milliseconds per epoch, got {s.Pace}");
        if (s.Epochs < 0 || s.Epochs > Limits.MaxEpochs) throw new BackpropException($"epochs must be from 1 to {Limits.MaxEpochs} (or 0: until stopped), got {s.Epochs}");
        if (s.Batch < 1 || s.Batch > 65_536) throw new BackpropException($"batch must be from 1 to 65536, got {s.Batch}");
        if (!(s.Lr > 0) || !double.IsFinite(s.Lr)) throw new BackpropException($"the learning rate must be a positive number, got {s.Lr}");
        return s;
    }
}
