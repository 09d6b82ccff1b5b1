using System.Xml.Linq;
using Backprop.Explain.Svg;

namespace Backprop.Tests.Explain;

/// <summary>SvgCanvas writes its SVG as text: the same bytes an XmlWriter gives for the same elements, escapes included.</summary>
public class SvgCanvasTests
{
    private static readonly XNamespace Ns = SvgCanvas.Namespace;

    [Fact]
    public void Writes_what_XDocument_writes_for_the_same_elements()
    {
        var canvas = new SvgCanvas();
        canvas.Group(() =>
        {
            canvas.Rect(1, 2, 30.456, 4, "#fff", opacity: 0.5);
            canvas.Line(0, 0, 10, 10, "#000", arrow: true);
            canvas.Text(5, 6, 12, "middle", new SvgCanvas.Span("a < b & c > \"d\"", "W:1:2", "#123", true), new SvgCanvas.Span(""));
        }, ("data-edge", "W1:0:1"), ("aria-label", "quote \" and\ttab\nline & <tag>"));
        canvas.Group(() => { }, ("data-node", "empty"));
        canvas.Circle(3, 4, 5, "red");
        canvas.Text(0, 0, 10, "start", Array.Empty<SvgCanvas.Span>());
        string svg = canvas.ToSvg("title & <more>");

        // The same tree built as XElements and written by XmlWriter, as SvgCanvas did before.
        static XAttribute A(string name, double v) => new(name, SvgCanvas.F(v));
        var root = new XElement(Ns + "g",
            new XElement(Ns + "g", new XAttribute("data-edge", "W1:0:1"), new XAttribute("aria-label", "quote \" and\ttab\nline & <tag>"),
                new XElement(Ns + "rect", A("x", 1), A("y", 2), A("width", 30.456), A("height", 4), A("rx", 0), new XAttribute("fill", "#fff"),
                    new XAttribute("stroke", "none"), A("stroke-width", 1), A("opacity", 0.5)),
                new XElement(Ns + "line", A("x1", 0), A("y1", 0), A("x2", 10), A("y2", 10), new XAttribute("stroke", "#000"), A("stroke-width", 1.2),
                    new XAttribute("marker-end", "url(#arrow)")),
                new XElement(Ns + "text", A("x", 5), A("y", 6), A("font-size", 12), new XAttribute("text-anchor", "middle"),
                    new XElement(Ns + "tspan", "a < b & c > \"d\"", new XAttribute("data-ref", "W:1:2"), new XAttribute("fill", "#123"), new XAttribute("font-weight", "bold")),
                    new XElement(Ns + "tspan", ""))),
            new XElement(Ns + "g", new XAttribute("data-node", "empty")),
            new XElement(Ns + "circle", A("cx", 3), A("cy", 4), A("r", 5), new XAttribute("fill", "red"), new XAttribute("stroke", "none"), A("stroke-width", 1)),
            new XElement(Ns + "text", A("x", 0), A("y", 0), A("font-size", 10), new XAttribute("text-anchor", "start")));
        var box = XDocument.Parse(svg).Root!.Attribute("viewBox")!.Value.Split(' ');
        var expected = new XElement(Ns + "svg",
            new XAttribute("version", "1.1"), new XAttribute("viewBox", string.Join(" ", box)),
            new XAttribute("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"),
            new XElement(Ns + "title", "title & <more>"),
            new XElement(Ns + "defs",
                new XElement(Ns + "marker", new XAttribute("id", "arrow"), new XAttribute("viewBox", "0 0 10 10"), new XAttribute("refX", "9"),
                    new XAttribute("refY", "5"), new XAttribute("markerWidth", "7"), new XAttribute("markerHeight", "7"), new XAttribute("orient", "auto-start-reverse"),
                    new XElement(Ns + "path", new XAttribute("d", "M0,0 L10,5 L0,10 z"), new XAttribute("fill", "context-stroke")))),
            new XElement(Ns + "rect", new XAttribute("x", box[0]), new XAttribute("y", box[1]), new XAttribute("width", box[2]), new XAttribute("height", box[3]), new XAttribute("fill", "white")),
            root);
        Assert.Equal(new XDocument(expected).ToString(SaveOptions.DisableFormatting) + "\n", svg);
    }

    [Fact]
    public void Numbers_are_written_as_round_to_two_decimals_then_shortest_round_trip()
    {
        // Edges of rounding, signs, -0, magnitudes up to the exponent form, and values a diagram never has.
        double[] edges = [0, -0.0, -0.001, 0.004, 0.005, -0.005, 0.015, 1.005, 2.675, 99.995, -99.995, 0.1, 0.7, 12.5, 1234.56,
            -7.8, 1e13 + 0.25, 123456789012.345, 1e14, -1e15, 1e16, 1e300, double.MaxValue, double.Epsilon, double.NaN,
            double.PositiveInfinity, double.NegativeInfinity];
        var random = new Random(1);
        var values = edges.Concat(Enumerable.Range(0, 20_000).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-4, 9))));
        foreach (double v in values)
            Assert.Equal(Math.Round(v, 2).ToString(System.Globalization.CultureInfo.InvariantCulture), SvgCanvas.F(v));
    }

    [Fact]
    public void Projector_doubles_strokes_and_darkens_greys_in_tags_only()
    {
        var canvas = new SvgCanvas();
        canvas.Line(0, 0, 1, 1, Palette.Faded, width: 1.5);
        canvas.Text(0, 0, 11, "fill=\"#777777\" stays text", fill: Palette.Muted);
        string adapted = Projector.Adapt(canvas.ToSvg("t"));
        var line = XDocument.Parse(adapted).Descendants(Ns + "line").Single();
        Assert.Equal("3", line.Attribute("stroke-width")!.Value);
        Assert.Equal(Palette.Edge, line.Attribute("stroke")!.Value);
        var span = XDocument.Parse(adapted).Descendants(Ns + "tspan").Single();
        Assert.Equal(Palette.Ink, span.Attribute("fill")!.Value);
        Assert.Equal("fill=\"#777777\" stays text", span.Value);
    }
}
