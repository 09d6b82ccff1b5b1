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
    public double WeightVariance { get; init; }

    public double ForwardMeasured { get; init; }
    public double ForwardTheory { get; init; }
    public double BackwardMeasured { get; init; }
    public double BackwardTheory { get; init; }
}

public static class InitVariance
{
    /// <summary>One forward and backward pass of a freshly initialized network built with <paramref name="scheme"/>.</summary>
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
