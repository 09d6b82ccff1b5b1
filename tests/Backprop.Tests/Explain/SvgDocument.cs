using System.Globalization;
using System.Xml.Linq;
using Backprop.Explain.Svg;

namespace Backprop.Tests.Explain;

/// <summary>An SVG read back as XML, with the geometry checks the diagrams promise.</summary>
internal sealed class SvgDocument
{
    private static readonly XNamespace Ns = SvgCanvas.Namespace;

    public SvgDocument(string svg)
    {
        Xml = XDocument.Parse(svg); // throws when not well-formed
        var box = Xml.Root!.Attribute("viewBox")!.Value.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        (MinX, MinY, MaxX, MaxY) = (box[0], box[1], box[0] + box[2], box[1] + box[3]);
    }

    public XDocument Xml { get; }
    public double MinX { get; }
    public double MinY { get; }
    public double MaxX { get; }
    public double MaxY { get; }

    public List<string> Ids(string attribute) => Xml.Descendants().Select(e => e.Attribute(attribute)?.Value).OfType<string>().ToList();

    /// <summary>Every shape and every text (its estimated extent) lies inside the view box.</summary>
    public void AssertInsideViewBox()
    {
        foreach (var e in Xml.Descendants())
        {
            switch (e.Name.LocalName)
            {
                case "rect" when e.Parent!.Name.LocalName != "svg":
                    Inside(e, N(e, "x"), N(e, "y"));
                    Inside(e, N(e, "x") + N(e, "width"), N(e, "y") + N(e, "height"));
                    break;
                case "circle":
                    Inside(e, N(e, "cx") - N(e, "r"), N(e, "cy") - N(e, "r"));
                    Inside(e, N(e, "cx") + N(e, "r"), N(e, "cy") + N(e, "r"));
                    break;
                case "line":
                    Inside(e, N(e, "x1"), N(e, "y1"));
                    Inside(e, N(e, "x2"), N(e, "y2"));
                    break;
                case "text":
                    double size = N(e, "font-size"), w = SvgCanvas.TextWidth(e.Value, size), x = N(e, "x");
                    double left = e.Attribute("text-anchor")?.Value switch { "middle" => x - w / 2, "end" => x - w, _ => x };
                    Inside(e, left, N(e, "y") - size);
                    Inside(e, left + w, N(e, "y"));
                    break;
            }
        }
    }

    private void Inside(XElement e, double x, double y) =>
        Assert.True(x >= MinX && x <= MaxX && y >= MinY && y <= MaxY, $"<{e.Name.LocalName}> reaches ({x}, {y}), outside the view box {MinX} {MinY} {MaxX} {MaxY}");

    private static double N(XElement e, string name) => double.Parse(e.Attribute(name)!.Value, CultureInfo.InvariantCulture);
}
