using System.Numerics;
using Backprop.Data;
using Backprop.Model;

namespace Backprop.Analysis;

/// <summary>One network of the sweep: its depth (dense layers), activation, initialization, and ‖Δ_l‖ for l = 1..depth.</summary>
public sealed record SweepResult(int Depth, string Activation, string Init, IReadOnlyList<double> DeltaNorms)
{
    /// <summary>‖Δ_1‖/‖Δ_L‖: the share of the output gradient that reaches the first layer.</summary>
    public double FirstToLast => DeltaNorms[0] / DeltaNorms[^1];
}

/// <summary>
/// The built-in comparison: for every depth × activation × initialization, an MLP of equal hidden widths is
/// built from one seed and its gradient flow measured at initialization on the same batch.
/// </summary>
public static class DepthSweep
{
    /// <summary>The activations the sweep compares.</summary>
    public static readonly string[] Activations = ["sigmoid", "tanh", "relu"];
    /// <summary>The initializations the sweep compares.</summary>
    public static readonly string[] Inits = ["naive", "xavier", "he"];

    /// <summary>Measures every depth × activation × initialization at initialization, on one batch of <paramref name="data"/>.</summary>
    /// <param name="data">Where the batch comes from.</param>
    /// <param name="depths">The numbers of dense layers to try.</param>
    /// <param name="width">Units of every hidden layer.</param>
    /// <param name="loss">The loss's name.</param>
    /// <param name="batch">Examples in the batch.</param>
    /// <param name="seed">The seed of the weights.</param>
    public static List<SweepResult> Run<T>(Dataset data, IReadOnlyList<int> depths, int width, string loss, int batch, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var results = new List<SweepResult>();
        foreach (int depth in depths)
        {
            if (depth < 2) throw new BackpropException($"depths must be at least 2 dense layers, got {depth}");
            foreach (string activation in Activations)
                foreach (string init in Inits)
                {
                    var sizes = Architecture.Sizes(data.FeatureCount, width, depth, data.OutputCount);
                    var network = NetworkSpec.Mlp(sizes, activation, loss, init, seed).Build<T>();
                    var (x, t) = ProbeBatch.From(data, network, batch);
                    var flow = GradientFlow.Measure(network, x, t, spectral: false);
                    results.Add(new SweepResult(depth, activation, init, [.. flow.Layers.Select(l => l.DeltaNorm)]));
                }
        }
        return results;
    }
}
