using System.Numerics;
using Backprop.Data;
using Backprop.Model;
using Backprop.Training;

namespace Backprop.Analysis;

/// <summary>One initialization scheme: its variances layer by layer and the training loss after each of the first epochs.</summary>
public sealed record InitResult(string Scheme, IReadOnlyList<LayerVariance> Layers, IReadOnlyList<double> EpochLosses);

/// <summary>The same architecture, data and seed, initialized by each scheme in turn; only the initial weights differ.</summary>
public static class InitComparison
{
    /// <summary>Trains one network per scheme and measures its variances at initialization.</summary>
    /// <param name="train">The training data.</param>
    /// <param name="sizes">The layer widths, inputs to outputs.</param>
    /// <param name="activation">σ between dense layers.</param>
    /// <param name="loss">The loss's name.</param>
    /// <param name="schemes">The initializer names to compare.</param>
    /// <param name="batch">Examples per batch.</param>
    /// <param name="epochs">Epochs to train each network.</param>
    /// <param name="optimizer">Makes a fresh optimizer for each network.</param>
    /// <param name="seed">The seed of the weights and the batch order.</param>
    /// <param name="losses">
    /// False: the variances alone, with no training loss (<see cref="InitResult.EpochLosses"/> empty; epochs must be 0).
    /// A figure of the variances skips evaluating the training set, which costs as much as the probe itself.
    /// </param>
    public static List<InitResult> Run<T>(Dataset train, IReadOnlyList<int> sizes, string activation, string loss,
        IReadOnlyList<string> schemes, int batch, int epochs, Func<Optimizer<T>> optimizer, int seed, bool losses = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (epochs < 0) throw new BackpropException("epochs", $"epochs must be at least 0, got {epochs}");
        if (!losses && epochs > 0) throw new BackpropException("epochs", $"without the losses there is no training: epochs must be 0, got {epochs}");
        var results = new List<InitResult>();
        foreach (string scheme in schemes)
        {
            var network = NetworkSpec.Mlp(sizes, activation, loss, scheme, seed).Build<T>();
            var (x, t) = ProbeBatch.From(train, network, batch);
            var variances = InitVariance.Measure(network, scheme, x, t);
            if (!losses)
            {
                results.Add(new InitResult(scheme, variances, []));
                continue;
            }
            var epochLosses = new List<double> { Trainer<T>.Evaluate(network, train).Loss };
            var trainer = new Trainer<T>(network, optimizer(), batch, seed);
            for (int e = 0; e < epochs; e++) epochLosses.Add(trainer.TrainEpoch(train).TrainLoss);
            results.Add(new InitResult(scheme, variances, epochLosses));
        }
        return results;
    }
}
