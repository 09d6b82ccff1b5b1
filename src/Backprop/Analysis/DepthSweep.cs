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
    public static readonly string[] Activations = ["sigmoid", "tanh", "relu"];
    public static readonly string[] Inits = ["naive", "xavier", "he"];

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
