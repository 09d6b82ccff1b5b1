using System.Numerics;
using Backprop.Layers;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Analysis;

/// <summary>
/// One dense layer l of a backward pass, with the two factors that carry Δ from layer l+1 down to l.
/// Backward through layer l+1 is dA_l = Δ_{l+1}·W_{l+1}ᵀ, then Δ_l = dA_l ∘ σ'(Z_l), so
/// ‖Δ_l‖/‖Δ_{l+1}‖ = (‖dA_l‖/‖Δ_{l+1}‖) × (‖Δ_l‖/‖dA_l‖): a weight factor, at most ‖W_{l+1}‖₂,
/// times a σ' factor, at most max σ'(Z_l) (¼ for sigmoid, 1 for tanh and ReLU).
/// Layers are numbered from 1 (the first dense layer) to L (the output layer), like W¹, W², … in the articles.
/// </summary>
public sealed record LayerFlow(int Layer, int FanIn, int FanOut)
{
    /// <summary>‖A_l‖: the layer's output after its activation (its linear part Z for the output layer).</summary>
    public double ActivationNorm { get; init; }

    /// <summary>‖Δ_l‖ = ‖∂L/∂Z_l‖, the gradient accumulated down to this layer's linear part.</summary>
    public double DeltaNorm { get; init; }

    /// <summary>‖∂L/∂W_l‖ = ‖A_{l−1}ᵀ·Δ_l‖: what the optimizer gets to learn with.</summary>
    public double WeightGradientNorm { get; init; }

    /// <summary>‖W_l‖₂, the largest singular value.</summary>
    public double WeightSpectralNorm { get; init; }

    /// <summary>Mean and maximum of σ'(Z_l) over the batch (NaN for the output layer, which has no activation).</summary>
    public double MeanDerivative { get; init; } = double.NaN;
    /// <summary>The largest σ'(Z_l) over the batch (NaN for the output layer).</summary>
    public double MaxDerivative { get; init; } = double.NaN;

    /// <summary>‖dA_l‖/‖Δ_{l+1}‖ measured: how much W_{l+1}ᵀ scaled the gradient (NaN for the output layer).</summary>
    public double WeightFactor { get; init; } = double.NaN;

    /// <summary>‖Δ_l‖/‖dA_l‖ measured: how much σ'(Z_l) scaled it.</summary>
    public double DerivativeFactor { get; init; } = double.NaN;

    /// <summary>‖Δ_l‖/‖Δ_{l+1}‖ measured (the product of the two factors).</summary>
    public double MeasuredRatio { get; init; } = double.NaN;

    /// <summary>‖W_{l+1}‖₂ · max σ'(Z_l): the ratio can never exceed this.</summary>
    public double RatioBound { get; init; } = double.NaN;
}

/// <summary>The per-layer picture of one forward and backward pass.</summary>
public sealed record GradientFlowReport(double Loss, IReadOnlyList<LayerFlow> Layers)
{
    /// <summary>‖Δ_1‖/‖Δ_L‖: how much of the output gradient reaches the first layer.</summary>
    public double FirstToLast => Layers[0].DeltaNorm / Layers[^1].DeltaNorm;

    /// <summary>The product of the per-layer bounds: the most ‖Δ_1‖/‖Δ_L‖ could be with these weights and σ'.</summary>
    public double BoundProduct => Layers.Take(Layers.Count - 1).Aggregate(1.0, (p, l) => p * l.RatioBound);
}

/// <summary>Measures <see cref="GradientFlowReport"/> from the very buffers a training step leaves in the layers.</summary>
public static class GradientFlow
{
    /// <param name="spectral">false skips the power iterations for ‖W‖₂ (bounds become NaN), for sweeps over many networks.</param>
    /// <summary>One forward and backward pass of <paramref name="x"/>, measured layer by layer.</summary>
    /// <param name="network">The network (its layers keep this batch's buffers afterwards).</param>
    /// <param name="x">The batch.</param>
    /// <param name="targets">Its targets.</param>
    public static GradientFlowReport Measure<T>(Network<T> network, Matrix<T> x, Matrix<T> targets, bool spectral = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double loss = network.ComputeGradients(x, targets);
        var layers = network.Layers;
        var dense = new List<int>();
        for (int i = 0; i < layers.Count; i++) if (layers[i] is Dense<T>) dense.Add(i);

        var flows = new LayerFlow[dense.Count];
        for (int k = dense.Count - 1; k >= 0; k--)
        {
            int i = dense[k];
            var d = (Dense<T>)layers[i];
            // The activation right after this dense layer, if any (a network may end on one).
            var activation = i + 1 < layers.Count ? layers[i + 1] as Activation<T> : null;
            var flow = new LayerFlow(k + 1, d.Inputs, d.Outputs)
            {
                ActivationNorm = Moments.Norm((activation ?? (Layer<T>)d).Output!),
                DeltaNorm = Moments.Norm(d.OutputGradient!),
                WeightGradientNorm = Moments.Norm(d.Weights.Gradient),
                WeightSpectralNorm = spectral ? Moments.SpectralNorm(d.Weights.Value) : double.NaN,
            };
            if (activation is not null && k + 1 < dense.Count)
            {
                var next = flows[k + 1];
                double dA = Moments.Norm(activation.OutputGradient!);
                flow = flow with
                {
                    MeanDerivative = Moments.Mean(activation.Derivative!),
                    MaxDerivative = Moments.Max(activation.Derivative!),
                    WeightFactor = dA / next.DeltaNorm,
                    DerivativeFactor = flow.DeltaNorm / dA,
                    MeasuredRatio = flow.DeltaNorm / next.DeltaNorm,
                    RatioBound = next.WeightSpectralNorm * Moments.Max(activation.Derivative!),
                };
            }
            flows[k] = flow;
        }
        return new GradientFlowReport(loss, flows);
    }
}
