using Backprop.Data;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Analysis;

/// <summary>One training run: its label, the test loss at initialization and after each epoch, and what its loss scaler did.</summary>
public sealed record PrecisionRun(string Label, IReadOnlyList<double> Losses, double FinalScale, long SkippedSteps);

/// <summary>
/// Trains the same network from the same seed in float32, in a 16-bit storage format without loss scaling,
/// and in it with the given scaling, so the curves differ only by what the 16 bits lose.
/// </summary>
public static class PrecisionCurves
{
    public static List<PrecisionRun> Run(NetworkSpec spec, Dataset train, Dataset test, int batch, int epochs,
        Func<Optimizer<float>> optimizer, StorageFormat format, string lossScale, int seed)
    {
        if (epochs < 1) throw new BackpropException($"--epochs must be at least 1, got {epochs}");
        string name = StorageFormats.Name(format);
        return
        [
            Train("fp32", StorageFormat.Float32, "none"),
            Train($"{name}, no loss scaling", format, "none"),
            Train($"{name}, loss scale {lossScale}", format, lossScale),
        ];

        PrecisionRun Train(string label, StorageFormat storage, string scale)
        {
            var network = spec.Build<float>();
            var scaled = MixedPrecision.Enable(network, optimizer(), storage, scale);
            var trainer = new Trainer<float>(network, scaled, batch, seed);
            var losses = new List<double> { Trainer<float>.Evaluate(network, test).Loss };
            for (int e = 0; e < epochs; e++) losses.Add(trainer.TrainEpoch(train, test).Test!.Loss);
            return new PrecisionRun(label, losses, scaled.Scaler.Scale, scaled.Scaler.SkippedSteps);
        }
    }
}
