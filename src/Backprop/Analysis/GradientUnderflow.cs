using Backprop.Layers;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Analysis;

/// <summary>
/// For one dense layer: of the gradient values that are non-zero in float32, the share that become zero
/// when the backward pass stores them in 16 bits, without loss scaling and with it. dW is ∂L/∂W, Δ is ∂L/∂Z.
/// </summary>
public sealed record LayerUnderflow(int Layer, double WeightGradientUnscaled, double WeightGradientScaled, double DeltaUnscaled, double DeltaScaled)
{
    /// <summary>The median |∂L/∂W| in float32, to set against float16's smallest value 2⁻²⁴ ≈ 6·10⁻⁸.</summary>
    public double MedianWeightGradient { get; init; }
}

/// <summary>Runs one batch three times (float32, 16-bit unscaled, 16-bit scaled) and compares the gradients value by value.</summary>
public static class GradientUnderflow
{
    /// <summary>The underflow of every dense layer's gradients for one batch.</summary>
    /// <param name="network">A float32 network; its storage format is restored afterwards.</param>
    /// <param name="x">The batch.</param>
    /// <param name="targets">Its targets.</param>
    /// <param name="format">The 16-bit format to store in.</param>
    /// <param name="scale">The loss scale of the scaled run.</param>
    public static List<LayerUnderflow> Measure(Network<float> network, Matrix<float> x, Matrix<float> targets, StorageFormat format, double scale)
    {
        if (!(scale > 0) || !double.IsFinite(scale)) throw new BackpropException($"loss scale must be a positive finite number, got {scale}");
        var (storage, gradientScale) = (network.Storage, network.GradientScale);
        try
        {
            var reference = Gradients(network, x, targets, StorageFormat.Float32, 1);
            var unscaled = Gradients(network, x, targets, format, 1);
            var scaled = Gradients(network, x, targets, format, scale);
            var result = new List<LayerUnderflow>();
            for (int l = 0; l < reference.Count; l++)
            {
                var (refW, refD) = reference[l];
                var median = refW.Select(Math.Abs).Where(v => v > 0).Order().ToArray();
                result.Add(new LayerUnderflow(l + 1,
                    LostShare(refW, unscaled[l].W), LostShare(refW, scaled[l].W),
                    LostShare(refD, unscaled[l].Delta), LostShare(refD, scaled[l].Delta))
                {
                    MedianWeightGradient = median.Length == 0 ? 0 : median[median.Length / 2],
                });
            }
            return result;
        }
        finally
        {
            (network.Storage, network.GradientScale) = (storage, gradientScale);
        }
    }

    /// <summary>Copies of each dense layer's dW and Δ after one backward pass in the given storage and scale.</summary>
    private static List<(float[] W, float[] Delta)> Gradients(Network<float> network, Matrix<float> x, Matrix<float> targets, StorageFormat format, double scale)
    {
        network.Storage = format;
        network.GradientScale = scale;
        network.ComputeGradients(x, targets);
        return [.. network.DenseLayers.Select(d => (d.Weights.Gradient.Span.ToArray(), d.OutputGradient!.Span.ToArray()))];
    }

    /// <summary>Of the values non-zero in the reference, the share that are zero here.</summary>
    private static double LostShare(float[] reference, float[] values)
    {
        int nonZero = 0, lost = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            if (reference[i] == 0) continue;
            nonZero++;
            if (values[i] == 0) lost++;
        }
        return nonZero == 0 ? 0 : (double)lost / nonZero;
    }
}
