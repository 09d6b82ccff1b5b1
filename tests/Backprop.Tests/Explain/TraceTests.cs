using Backprop.Explain;
using Backprop.Explain.Steps;
using Backprop.Layers;
using Backprop.Tensors;

namespace Backprop.Tests.Explain;

public class TraceTests
{
    [Fact]
    public void The_trace_holds_the_numbers_the_network_computed()
    {
        var e = Examples.Load("article1");
        var net = e.Network.Build<double>();
        var trace = Trace.Record(net, Matrix<double>.FromRows(e.X), Matrix<double>.FromRows(e.T));
        var dense = net.DenseLayers.ToArray();
        Assert.Equal(2, trace.Stages.Count);
        for (int k = 0; k < dense.Length; k++)
        {
            Assert.Equal(dense[k].Weights.Gradient.ToRows(), trace.Stages[k].DW.ToRows());
            Assert.Equal(dense[k].Bias.Gradient.ToRows(), trace.Stages[k].DB.ToRows());
            Assert.Equal(dense[k].Output!.ToRows(), trace.Stages[k].L.ToRows());
        }
        Assert.Equal(((Activation<double>)net.Layers[1]).Derivative!.ToRows(), trace.Get("S1").ToRows());
        Assert.Equal(net.Layers[0].InputGradient!.ToRows(), trace.Get("dX").ToRows());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_identity_of_every_example_checks_out(string name)
    {
        var trace = ExplainFixtures.Example(name);
        var steps = StepTrace.Build(trace);
        // forward (1 or 2 per layer) + loss + 4 per layer backward
        Assert.True(steps.Count >= 1 + 5 * trace.Stages.Count);
        Assert.All(steps.Where(s => s.Check is not null), s => Assert.True(s.Check!.Passed, $"{s.Title}: {s.Check.Identity} off by {s.Check.MaxError}"));
    }

    [Fact]
    public void A_tampered_trace_fails_its_check()
    {
        var trace = ExplainFixtures.Example("article1");
        trace.Stages[0].DW[0, 0] += 1e-3;
        var failed = StepTrace.Build(trace).Where(s => s.Check is { Passed: false }).Select(s => s.Title).ToList();
        Assert.Equal(["Layer 1, step 1: weights"], failed);
    }

    [Fact]
    public void Leaky_relu_is_checked_against_its_own_formula_not_against_itself()
    {
        var spec = Backprop.Model.NetworkSpec.Mlp([2, 3, 1], "leaky_relu", "half_sse", "xavier", seed: 3);
        spec = spec with { Layers = [spec.Layers[0], new Backprop.Model.LayerSpec("leaky_relu") { Slope = 0.2 }, spec.Layers[2]] };
        var x = Matrix<double>.FromRows([[1.0, -2.0], [-0.5, 0.3]]);
        var trace = Trace.Record(spec.Build<double>(), x, Matrix<double>.FromRows([[0.5], [-1.0]]));
        Assert.Equal(0.2, trace.Stages[0].Slope);
        Assert.All(StepTrace.Build(trace), s => Assert.True(s.Check?.Passed ?? true, s.Title));

        // Tamper with σ′(L) where L < 0, consistently with H: a check against the slope's formula must notice.
        var stage = trace.Stages[0];
        int r = 0, c = Enumerable.Range(0, 3).First(j => stage.L[0, j] < 0 || stage.L[1, j] < 0);
        if (stage.L[0, c] >= 0) r = 1;
        stage.SigmaPrime![r, c] = 0.3;
        stage.H[r, c] = 0.3 * stage.L[r, c];
        var failed = StepTrace.Build(trace).Where(s => s.Check is { Passed: false }).Select(s => s.Title).ToList();
        Assert.Contains("Layer 1: activation (leaky_relu)", failed);
    }

    [Fact]
    public void Float32_traces_pass_with_float_rounding()
    {
        var e = Examples.Load("article3");
        var trace = Trace.Record(e.Network.Build<float>(), Matrix<float>.FromRows(e.X), Matrix<float>.FromRows(e.T));
        Assert.All(StepTrace.Build(trace), s => Assert.True(s.Check?.Passed ?? true, s.Title));
    }

    public static TheoryData<string> Names() => [.. ExplainFixtures.AllExamples];
}
