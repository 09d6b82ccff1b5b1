using Backprop.Analysis;
using Backprop.Model;

namespace Backprop.Tests.Analysis;

public class GradientFlowTests
{
    [Theory]
    [InlineData("sigmoid", "xavier")]
    [InlineData("tanh", "naive")]
    [InlineData("relu", "he")]
    public void Measured_ratios_are_the_product_of_their_factors_and_never_exceed_the_bound(string activation, string init)
    {
        var net = NetworkSpec.Mlp([8, 32, 32, 32, 32, 3], activation, "cross_entropy", init, seed: 7).Build<double>();
        var data = TestData.Classes(64, 8, 3, seed: 8);
        var (x, t) = ProbeBatch.From(data, net, 64);
        var flow = GradientFlow.Measure(net, x, t);
        Assert.Equal(5, flow.Layers.Count);
        foreach (var l in flow.Layers.Take(4))
        {
            Assert.Equal(l.MeasuredRatio, l.WeightFactor * l.DerivativeFactor, 1e-9);
            Assert.True(l.MeasuredRatio <= l.RatioBound * (1 + 1e-9), $"layer {l.Layer}: {l.MeasuredRatio} > bound {l.RatioBound}");
            Assert.True(l.DerivativeFactor <= l.MaxDerivative * (1 + 1e-9));
        }
        Assert.True(double.IsNaN(flow.Layers[^1].MeasuredRatio)); // the output layer has nothing above it
        Assert.Equal(flow.Layers[0].DeltaNorm / flow.Layers[^1].DeltaNorm, flow.FirstToLast, 1e-12);
    }

    [Fact]
    public void Sigmoid_derivative_is_at_most_a_quarter_so_deep_sigmoid_nets_vanish()
    {
        var data = TestData.Classes(64, 8, 3, seed: 8);
        var results = DepthSweep.Run<double>(data, [10], 32, "cross_entropy", 64, seed: 1);
        var sigmoid = results.Single(r => r.Activation == "sigmoid" && r.Init == "xavier");
        var relu = results.Single(r => r.Activation == "relu" && r.Init == "he");
        Assert.True(sigmoid.FirstToLast < 1e-4, $"sigmoid {sigmoid.FirstToLast}");
        Assert.InRange(relu.FirstToLast, 1e-2, 1e2);
        Assert.Equal(9, results.Count); // one depth × 3 activations × 3 inits
    }

    [Fact]
    public void Spectral_norm_of_a_diagonal_matrix_is_its_largest_entry()
    {
        var w = new Backprop.Tensors.Matrix<double>(3, 3);
        w[0, 0] = 1; w[1, 1] = -4; w[2, 2] = 2;
        Assert.Equal(4, Moments.SpectralNorm(w), 6);
    }
}
