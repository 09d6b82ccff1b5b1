using Backprop.Analysis;
using Backprop.Model;

namespace Backprop.Tests.Analysis;

public class InitVarianceTests
{
    // Wide layers: a mean of squares over 256 × 1024 entries of sums of 1024 products has a relative spread
    // of about √(2/1024) ≈ 4% over the draw of W, so 10% is a statistical tolerance. The forward check skips
    // the 10-unit output layer, whose E[Z²] (with sigmoid's non-zero mean) is nearly a χ² of 10 degrees of
    // freedom, ±45%; its backward check averages over 1024 columns and stays.
    [Theory]
    [InlineData("tanh", "xavier")]
    [InlineData("relu", "he")]
    [InlineData("sigmoid", "naive")]
    public void Measured_variances_match_theory_for_wide_layers(string activation, string scheme)
    {
        var network = NetworkSpec.Mlp([512, 1024, 1024, 1024, 10], activation, "mse", scheme, seed: 3).Build<double>();
        var x = TestData.Normal<double>(256, 512, seed: 4);
        var targets = TestData.Normal<double>(256, 10, seed: 5);
        var layers = InitVariance.Measure(network, scheme, x, targets);
        Assert.Equal(4, layers.Count);
        foreach (var l in layers)
        {
            Assert.InRange(l.WeightVariance / l.TargetWeightVariance, 0.97, 1.03);
            if (l.FanOut >= 1024) Assert.InRange(l.ForwardMeasured / l.ForwardTheory, 0.9, 1.1);
            Assert.InRange(l.BackwardMeasured / l.BackwardTheory, 0.9, 1.1);
        }
    }

    [Fact]
    public void He_keeps_relu_activations_steady_where_naive_lets_them_shrink()
    {
        double Last(string scheme)
        {
            var net = NetworkSpec.Mlp([256, 128, 128, 128, 128, 128, 128, 10], "relu", "mse", scheme, seed: 1).Build<double>();
            var layers = InitVariance.Measure(net, scheme, TestData.Normal<double>(128, 256, 2), TestData.Normal<double>(128, 10, 3));
            return layers[^2].ForwardMeasured / layers[0].ForwardMeasured;
        }
        Assert.InRange(Last("he"), 0.5, 2);   // fan_in·(2/fan_in)·½ = 1 per layer: ReLU's halving exactly compensated
        Assert.True(Last("naive") < 0.01);    // fan_in·Var(W)·½ = 128·(0.01/3)·½ ≈ 0.21 per layer, five times over
    }

    [Fact]
    public void Without_the_losses_the_comparison_gives_the_same_variances_and_no_training()
    {
        var (train, _) = Backprop.Data.DataSources.Load("spirals", 1);
        int[] sizes = [2, 16, 16, 2];
        List<InitResult> Run(bool losses) => InitComparison.Run<float>(train, sizes, "tanh", "cross_entropy", ["naive", "he"], 32, 0,
            () => Backprop.Training.Optimizer<float>.Create("sgd", 0.1), 1, losses);
        var with = Run(true);
        var without = Run(false);
        Assert.Equal(with.Select(r => r.Scheme), without.Select(r => r.Scheme));
        for (int s = 0; s < with.Count; s++)
        {
            Assert.Single(with[s].EpochLosses); // the loss at initialization
            Assert.Empty(without[s].EpochLosses);
            Assert.Equal(with[s].Layers, without[s].Layers); // records: every variance, bit for bit
        }
        var e = Assert.Throws<BackpropException>(() => InitComparison.Run<float>(train, sizes, "tanh", "cross_entropy", ["he"], 32, 3,
            () => Backprop.Training.Optimizer<float>.Create("sgd", 0.1), 1, losses: false));
        Assert.Contains("epochs must be 0, got 3", e.Message, StringComparison.Ordinal);
    }
}
