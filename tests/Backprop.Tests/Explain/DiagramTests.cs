using Backprop.Explain;
using Backprop.Explain.Paths;
using Backprop.Explain.Svg;

namespace Backprop.Tests.Explain;

public class DiagramTests
{
    public static TheoryData<string, string> ExamplesAndKinds()
    {
        var data = new TheoryData<string, string>();
        foreach (var e in ExplainFixtures.AllExamples)
            foreach (var k in DiagramKinds.Names) data.Add(e, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(ExamplesAndKinds))]
    public void Every_drawn_number_is_the_traces_and_the_picture_fits_its_view_box(string example, string kind)
    {
        var trace = ExplainFixtures.Example(example);
        var svg = new SvgDocument(Diagrams.Draw(trace, DiagramKinds.Parse(kind)));
        Assert.True(ExplainFixtures.CheckRefs(svg.Xml, trace) >= trace.Batch * 2);
        svg.AssertInsideViewBox();
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Whole_network_diagrams_draw_every_node_and_edge_once(string example)
    {
        var trace = ExplainFixtures.Example(example);
        var nodes = new List<string> { "E" };
        nodes.AddRange(Enumerable.Range(0, trace.X.Cols).Select(i => $"X:{i}"));
        var edges = new List<string>();
        foreach (var s in trace.Stages)
        {
            nodes.AddRange(Enumerable.Range(0, s.Units).Select(j => $"U{s.K}:{j}"));
            for (int i = 0; i < s.Inputs; i++) edges.AddRange(Enumerable.Range(0, s.Units).Select(j => $"W{s.K}:{i}:{j}"));
        }
        edges.AddRange(Enumerable.Range(0, trace.Y.Cols).Select(m => $"Y:{m}"));
        foreach (var kind in new[] { DiagramKind.Forward, DiagramKind.Backward, DiagramKind.Paths })
        {
            var svg = new SvgDocument(Diagrams.Draw(trace, kind));
            Assert.Equal(nodes.Order(), svg.Ids("data-node").Order());
            Assert.Equal(edges.Order(), svg.Ids("data-edge").Order());
        }
    }

    [Fact]
    public void Backward_diagrams_show_each_examples_arrow_into_a_weight_and_their_sum()
    {
        var trace = ExplainFixtures.Example("article1");
        var svg = new SvgDocument(Diagrams.Draw(trace, DiagramKind.Backward));
        var edge = svg.Xml.Descendants().Single(e => e.Attribute("data-edge")?.Value == "W1:0:1");
        var refs = edge.Descendants().Select(e => e.Attribute("data-ref")?.Value).OfType<string>().ToList();
        Assert.Equal(["dW1:0:1", "X:0:0*D1:0:1", "X:1:0*D1:1:1"], refs);
        Assert.Equal(trace.Resolve("dW1:0:1"), trace.Resolve(refs[1]) + trace.Resolve(refs[2]), 15);
        Assert.Equal(2, edge.Descendants().Count(e => e.Name.LocalName == "line" && e.Attribute("marker-end") is not null));
    }

    [Fact]
    public void Paths_diagrams_fade_what_no_path_touches()
    {
        var trace = ExplainFixtures.Example("article2-2-2-2-2");
        var svg = new SvgDocument(Diagrams.Draw(trace, DiagramKind.Paths, new PathTarget(PathTarget.Kind.Weight, 1, 0, 0)));
        var faded = svg.Xml.Descendants().Where(e => e.Attribute("opacity") is not null && (e.Attribute("data-edge") ?? e.Attribute("data-node")) is not null)
            .Select(e => (e.Attribute("data-edge") ?? e.Attribute("data-node"))!.Value).Order().ToList();
        Assert.Equal(["U1:1", "W1:0:1", "W1:1:0", "W1:1:1", "W2:1:0", "W2:1:1", "X:1"], faded);
    }

    [Fact]
    public void Wide_networks_are_drawn_as_blocks_with_norms()
    {
        var trace = ExplainFixtures.Random(3, [20, 30, 5], "tanh", 3, "mse");
        foreach (var kind in Enum.GetValues<DiagramKind>())
        {
            var svg = new SvgDocument(Diagrams.Draw(trace, kind));
            Assert.True(ExplainFixtures.CheckRefs(svg.Xml, trace) > 5);
            svg.AssertInsideViewBox();
            if (kind is DiagramKind.Forward or DiagramKind.Backward or DiagramKind.Paths)
                Assert.Equal(["X", "layer1", "layer2", "E"], svg.Ids("data-node"));
        }
        var backward = new SvgDocument(Diagrams.Draw(trace, DiagramKind.Backward));
        Assert.Contains("|dW1|", backward.Ids("data-ref"));
        Assert.Contains("|D2|", backward.Ids("data-ref"));
    }

    [Fact]
    public void A_drawn_number_that_differs_from_the_trace_is_caught()
    {
        var trace = ExplainFixtures.Example("article1");
        var svg = new SvgDocument(Diagrams.Draw(trace, DiagramKind.Forward));
        var weight = svg.Xml.Descendants().First(e => e.Attribute("data-ref")?.Value == "W1:0:0");
        weight.Value = "0.151"; // the trace holds 0.15
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => ExplainFixtures.CheckRefs(svg.Xml, trace));
    }

    [Fact]
    public void Class_index_targets_are_drawn_without_pretending_they_are_outputs()
    {
        var net = new Backprop.Model.NetworkSpec(
            [new Backprop.Model.LayerSpec("dense") { Weights = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]] }], "cross_entropy").Build<double>();
        var trace = Trace.Record(net, Backprop.Tensors.Matrix<double>.FromRows([[1, 2], [0.5, -1]]), Backprop.Tensors.Matrix<double>.FromRows([[2], [0]]));
        foreach (var kind in Enum.GetValues<DiagramKind>())
        {
            var svg = new SvgDocument(Diagrams.Draw(trace, kind, node: (1, 2)));
            ExplainFixtures.CheckRefs(svg.Xml, trace);
            svg.AssertInsideViewBox();
        }
    }

    [Fact]
    public void Node_diagrams_refuse_units_that_do_not_exist()
    {
        var trace = ExplainFixtures.Example("article1");
        Assert.Throws<BackpropException>(() => Diagrams.Draw(trace, DiagramKind.NodeForward, node: (1, 3)));
        Assert.Throws<BackpropException>(() => Diagrams.Draw(trace, DiagramKind.NodeBackward, node: (3, 0)));
    }

    public static TheoryData<string> Examples() => [.. ExplainFixtures.AllExamples];
}
