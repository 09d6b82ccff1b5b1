using Backprop.Layers;
using Backprop.Losses;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Tests.Analysis;

public class LossScalerTests
{
    [Fact]
    public void Pytorch_defaults_double_after_2000_clean_steps()
    {
        var s = LossScaler.Dynamic();
        Assert.Equal(65536, s.Scale);
        for (int i = 0; i < 1999; i++) Assert.True(s.Update(false));
        Assert.Equal(65536, s.Scale);
        Assert.True(s.Update(false));
        Assert.Equal(131072, s.Scale);
        Assert.Equal(0, s.CleanSteps);
    }

    [Fact]
    public void Scripted_sequence_grows_backs_off_and_skips()
    {
        var s = LossScaler.Dynamic(initialScale: 8, growthInterval: 3);
        // (found inf/NaN?, step applied?, scale after, clean steps after)
        (bool Bad, bool Applied, double Scale, int Clean)[] script =
        [
            (false, true, 8, 1), (false, true, 8, 2), (false, true, 16, 0),  // growth after 3 clean steps
            (true, false, 8, 0),                                             // inf: skip and halve
            (false, true, 8, 1), (false, true, 8, 2), (true, false, 4, 0),   // NaN just before growth: tracker reset
            (true, false, 2, 0),                                             // consecutive overflows keep halving
            (false, true, 2, 1), (false, true, 2, 2), (false, true, 4, 0),
        ];
        foreach (var (bad, applied, scale, clean) in script)
        {
            Assert.Equal(applied, s.Update(bad));
            Assert.Equal(scale, s.Scale);
            Assert.Equal(clean, s.CleanSteps);
        }
        Assert.Equal(3, s.SkippedSteps);
        Assert.Equal(script.Length, s.Steps);
    }

    [Fact]
    public void Growth_stops_where_the_scale_would_become_infinite()
    {
        var s = LossScaler.Dynamic(initialScale: double.MaxValue / 1.5, growthInterval: 1);
        s.Update(false);
        Assert.Equal(double.MaxValue / 1.5, s.Scale);
    }

    [Fact]
    public void Fixed_scale_never_changes_but_still_skips_bad_steps()
    {
        var s = LossScaler.Parse("1024");
        Assert.False(s.Update(true));
        Assert.True(s.Update(false));
        Assert.Equal(1024, s.Scale);
        Assert.Equal(1, s.SkippedSteps);
        Assert.Equal(1, LossScaler.Parse("none").Scale);
        Assert.Throws<BackpropException>(() => LossScaler.Parse("-3"));
        Assert.Throws<BackpropException>(() => LossScaler.Parse("huge"));
    }

    [Fact]
    public void Scaled_optimizer_skips_on_inf_and_unscales_clean_gradients()
    {
        var dense = new Dense<float>(2, 1);
        var network = new Network<float>([dense], Loss<float>.Create("mse"));
        var scaled = new LossScaledOptimizer<float>(new Sgd<float>(0.5), network, LossScaler.Dynamic(initialScale: 4));
        Assert.Equal(4, network.GradientScale);
        var parameters = network.Parameters.ToList();

        dense.Weights.Gradient.Span.Fill(8);                   // 4 × a true gradient of 2
        dense.Weights.Gradient[1, 0] = float.PositiveInfinity;
        scaled.Step(parameters);
        Assert.All(dense.Weights.Value.ToRows(), row => Assert.Equal(0, row[0])); // skipped
        Assert.Equal(2, network.GradientScale);                                   // backed off, and the network told

        dense.Weights.Gradient.Span.Fill(4);                   // 2 × a true gradient of 2
        dense.Bias.Gradient.Clear();
        scaled.Step(parameters);
        Assert.All(dense.Weights.Value.ToRows(), row => Assert.Equal(-1, row[0])); // w −= 0.5 · 2
    }
}
