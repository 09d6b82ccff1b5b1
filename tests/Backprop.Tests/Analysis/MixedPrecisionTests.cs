using Backprop.Analysis;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Tests.Analysis;

public class MixedPrecisionTests
{
    [Fact]
    public void Bfloat16_rounds_to_nearest_even_on_the_top_16_bits()
    {
        Assert.Equal(1f, StorageFormats.ToBFloat16(1f + MathF.Pow(2, -8)));                         // halfway: down to even
        Assert.Equal(1f + MathF.Pow(2, -6), StorageFormats.ToBFloat16(1f + 3 * MathF.Pow(2, -8)));  // halfway: up to even
        Assert.Equal(1f + MathF.Pow(2, -7), StorageFormats.ToBFloat16(1f + MathF.Pow(2, -7) + MathF.Pow(2, -10))); // nearest
        Assert.True(StorageFormats.ToBFloat16(1e-30f) > 0);                                         // float32's range
        Assert.True(float.IsNaN(StorageFormats.ToBFloat16(float.NaN)));
    }

    [Fact]
    public void Float16_flushes_tiny_values_and_overflows_large_ones()
    {
        Assert.Equal(0f, StorageFormats.ToFloat16(1e-8f));
        Assert.Equal((float)StorageFormats.Float16MinSubnormal, StorageFormats.ToFloat16(6e-8f));
        Assert.True(float.IsPositiveInfinity(StorageFormats.ToFloat16(70000f)));
        Assert.Equal(65504f, StorageFormats.ToFloat16(65504f));
    }

    /// <summary>
    /// One dense layer whose outputs are exact in float16 (ones times halves) and targets 10⁻⁶ below them:
    /// the mse gradient 2·10⁻⁶/(64·2) ≈ 1.6·10⁻⁸ is under half of float16's smallest value, so without
    /// scaling every gradient becomes zero; scaled by 2¹⁶ it survives and unscales to the float32 value.
    /// </summary>
    [Fact]
    public void Float16_without_scaling_loses_gradients_that_scaling_keeps()
    {
        var dense = new Dense<float>(4, 2);
        dense.Weights.Value.Span.Fill(0.5f);
        var network = new Network<float>([dense], Loss<float>.Create("mse"));
        var x = new Matrix<float>(64, 4);
        x.Span.Fill(1);
        var t = new Matrix<float>(64, 2);
        t.Span.Fill(2f - 1e-6f);

        var underflow = GradientUnderflow.Measure(network, x, t, StorageFormat.Float16, 65536);
        Assert.Equal(1.0, underflow[0].WeightGradientUnscaled);
        Assert.Equal(1.0, underflow[0].DeltaUnscaled);
        Assert.Equal(0.0, underflow[0].WeightGradientScaled);
        Assert.Equal(0.0, underflow[0].DeltaScaled);

        network.ComputeGradients(x, t);
        float reference = dense.Weights.Gradient[0, 0];
        network.Storage = StorageFormat.Float16;
        network.GradientScale = 65536;
        network.ComputeGradients(x, t);
        Assert.Equal(reference, dense.Weights.Gradient[0, 0] / 65536, reference * 2e-3f);
        network.GradientScale = 1;
        network.ComputeGradients(x, t);
        Assert.Equal(0f, dense.Weights.Gradient[0, 0]);
        // bfloat16 has float32's exponent range: nothing to rescue.
        Assert.Equal(0.0, GradientUnderflow.Measure(network, x, t, StorageFormat.BFloat16, 1)[0].WeightGradientUnscaled);
    }

    [Fact]
    public void Storage_rounding_touches_outputs_and_gradients_only_when_asked()
    {
        var net = NetworkSpec.Mlp([3, 5, 2], "tanh", "mse", seed: 1).Build<float>();
        var x = TestData.Normal<float>(4, 3, 1);
        var t = TestData.Normal<float>(4, 2, 2);
        net.ComputeGradients(x, t);
        Assert.Contains(net.Output!.Span.ToArray(), v => StorageFormats.ToFloat16(v) != v);
        net.Storage = StorageFormat.Float16;
        net.ComputeGradients(x, t);
        Assert.All(net.Output!.Span.ToArray(), v => Assert.Equal(StorageFormats.ToFloat16(v), v));
        Assert.All(net.DenseLayers.First().Weights.Gradient.Span.ToArray(), v => Assert.Equal(StorageFormats.ToFloat16(v), v));
    }
}
