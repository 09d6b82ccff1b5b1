using System.Numerics;
using Backprop.Layers;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Analysis;

/// <summary>
/// Variances at one dense layer l, measured next to what the theory behind Xavier and He predicts.
/// With weights drawn independently, zero-mean, of variance Var(W), and zero bias:
/// forward  E[Z_l²]      = fan_in  · Var(W) · E[A_{l−1}²]   (A_0 = X);
/// backward E[dA_{l−1}²] = fan_out · Var(W) · E[Δ_l²]        (dA_{l−1} = Δ_l·W_lᵀ).
/// Xavier picks Var(W) = 2/(fan_in + fan_out) to keep both near 1 for tanh; He picks 2/fan_in because
/// ReLU keeps half of E[Z²]. Means of squares are over every entry of the batch.
/// </summary>
public sealed record LayerVariance(int Layer, int FanIn, int FanOut)
{
    /// <summary>The variance the scheme aims for, and that of the drawn weights.</summary>
    public double TargetWeightVariance { get; init; }
    /// <summary>The variance of the weights actually drawn.</summary>
    public double WeightVariance { get; init; }

    /// <summary>E[Z_l²] measured on the batch.</summary>
    public double ForwardMeasured { get; init; }
    /// <summary>E[Z_l²] as the theory above predicts from the layer below.</summary>
    public double ForwardTheory { get; init; }
    /// <summary>E[dA_{l−1}²] measured on the batch.</summary>
    public double BackwardMeasured { get; init; }
    /// <summary>E[dA_{l−1}²] as the theory predicts from Δ_l.</summary>
    public double BackwardTheory { get; init; }
}

/// <summary>Measures activation and gradient variances layer by layer against the theory of Xavier and He.</summary>
public static class InitVariance
{
    /// <summary>One forward and backward pass of a freshly initialized network built with <paramref name="scheme"/>.</summary>
    /// <param name="network">The freshly initialized network.</param>
    /// <param name="scheme">The initializer it was built with (for the target variance).</param>
    /// <param name="x">The batch.</param>
    /// <param name="targets">Its targets.</param>
    public static List<LayerVariance> Measure<T>(Network<T> network, string scheme, Matrix<T> x, Matrix<T> targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        network.ComputeGradients(x, targets, needInputGradient: true);
        var result = new List<LayerVariance>();
        int layer = 0;
        foreach (var d in network.DenseLayers)
        {
            double target = Initializer.Variance(scheme, d.Inputs, d.Outputs);
            double inputSquare = Moments.MeanSquare(d.Input!);
            double deltaSquare = Moments.MeanSquare(d.OutputGradient!);
            result.Add(new LayerVariance(++layer, d.Inputs, d.Outputs)
            {
                TargetWeightVariance = target,
                WeightVariance = Moments.MeanSquare(d.Weights.Value),
                ForwardMeasured = Moments.MeanSquare(d.Output!),
                ForwardTheory = d.Inputs * target * inputSquare,
                BackwardMeasured = Moments.MeanSquare(d.InputGradient!),
                BackwardTheory = d.Outputs * target * deltaSquare,
            });
        }
        return result;
    }
}
