using Backprop.Data;
using Backprop.Layers;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Analysis;

/// <summary>
/// One training run: its label, the test loss at initialization and after each epoch, what its loss scaler
/// did, and the share of ∂L/∂W values the optimizer received as exactly zero over all the steps it took
/// (float32 almost never produces an exact zero; float16 flushes everything below 2⁻²⁵).
/// </summary>
public sealed record PrecisionRun(string Label, IReadOnlyList<double> Losses, double FinalScale, long SkippedSteps, double ZeroWeightGradients);

/// <summary>
/// Trains the same network from the same seed in float32, in a 16-bit storage format without loss scaling,
/// and in it with the given scaling, so the curves differ only by what the 16 bits lose.
/// </summary>
public static class PrecisionCurves
{
    /// <summary>The three runs: float32, 16-bit without scaling, 16-bit with <paramref name="lossScale"/>.</summary>
    /// <param name="spec">The network.</param>
    /// <param name="train">The training data.</param>
    /// <param name="test">The data the loss curves are measured on.</param>
    /// <param name="batch">Examples per batch.</param>
    /// <param name="epochs">Epochs per run.</param>
    /// <param name="optimizer">Makes a fresh optimizer for each run.</param>
    /// <param name="format">The 16-bit storage format.</param>
    /// <param name="lossScale">The loss scale of the third run: dynamic, none, or a number.</param>
    /// <param name="seed">The seed of the weights and batch order.</param>
    public static List<PrecisionRun> Run(NetworkSpec spec, Dataset train, Dataset test, int batch, int epochs,
        Func<Optimizer<float>> optimizer, StorageFormat format, string lossScale, int seed)
    {
        if (epochs < 1) throw new BackpropException("epochs", $"epochs must be at least 1, got {epochs}");
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
            var counter = new ZeroCounter(optimizer());
            var scaled = MixedPrecision.Enable(network, counter, storage, scale);
            var trainer = new Trainer<float>(network, scaled, batch, seed);
            var losses = new List<double> { Trainer<float>.Evaluate(network, test).Loss };
            for (int e = 0; e < epochs; e++) losses.Add(trainer.TrainEpoch(train, test).Test!.Loss);
            return new PrecisionRun(label, losses, scaled.Scaler.Scale, scaled.Scaler.SkippedSteps, counter.ZeroShare);
        }
    }

    /// <summary>Passes each step to the optimizer it wraps, counting the weight-gradient values that arrive as exactly zero.</summary>
    private sealed class ZeroCounter(Optimizer<float> inner) : Optimizer<float>(inner.LearningRate)
    {
        private long _values, _zeros;

        public double ZeroShare => _values == 0 ? 0 : (double)_zeros / _values;

        /// <inheritdoc/>
        public override void Step(IReadOnlyList<Parameter<float>> parameters)
        {
            foreach (var p in parameters.Where(p => p.Name == "W"))
            {
                var g = p.Gradient.Span;
                _values += g.Length;
                for (int i = 0; i < g.Length; i++)
                    if (g[i] == 0) _zeros++;
            }
            inner.LearningRate = LearningRate;
            inner.Step(parameters);
        }
    }
}
