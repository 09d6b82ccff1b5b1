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
    public void Float32_traces_pass_with_float_rounding()
    {
        var e = Examples.Load("article3");
        var trace = Trace.Record(e.Network.Build<float>(), Matrix<float>.FromRows(e.X), Matrix<float>.FromRows(e.T));
        Assert.All(StepTrace.Build(trace), s => Assert.True(s.Check?.Passed ?? true, s.Title));
    }

    public static TheoryData<string> Names() => [.. ExplainFixtures.AllExamples];
}
