using Backprop.Explain;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Serve.Tests;

/// <summary>
/// What <c>backprop grad --example NAME</c> computes, called in-process: the same float64 network and batch,
/// one forward and backward pass. The page's numbers must equal these exactly.
/// </summary>
internal static class Reference
{
    public sealed record Grad(double Loss, double[][][] Weights, double[][][] WeightGrads);

    public static Grad Of(string example, Func<NetworkSpec, NetworkSpec>? edit = null)
    {
        var e = Examples.Load(example);
        var spec = edit is null ? e.Network : edit(e.Network);
        var net = spec.Build<double>();
        double loss = net.ComputeGradients(Matrix<double>.FromRows(e.X), Matrix<double>.FromRows(e.T), needInputGradient: true);
        var dense = net.DenseLayers.ToArray();
        return new Grad(loss, [.. dense.Select(d => d.Weights.Value.ToRows())], [.. dense.Select(d => d.Weights.Gradient.ToRows())]);
    }
}
