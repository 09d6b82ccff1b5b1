using System.Globalization;
using System.Xml.Linq;

namespace Backprop.Explain.Svg;

/// <summary>
/// A drawing surface that writes SVG elements and keeps the box around everything drawn, so the view box
/// always holds the whole picture. Text width is estimated from its length (no font metrics at hand).
/// </summary>
internal sealed class SvgCanvas
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";
    public const double CharWidth = 0.62; // of the font size: generous for digits and Greek in a sans font
    private readonly XElement _root = new(Ns + "g");
    private XElement _current;
    private double _minX = double.MaxValue, _minY = double.MaxValue, _maxX = double.MinValue, _maxY = double.MinValue;

    public SvgCanvas() => _current = _root;

    /// <summary>One piece of a text line: optionally coloured, bold, and tagged with the trace reference its number came from.</summary>
    public sealed record Span(string Text, string? Ref = null, string? Fill = null, bool Bold = false);

    public static double TextWidth(string text, double size) => text.Length * size * CharWidth;

    /// <summary>Draws into a group carrying <paramref name="attributes"/> (data-node, data-edge, opacity…).</summary>
    public void Group(Action draw, params (string Name, string Value)[] attributes)
    {
        var g = new XElement(Ns + "g", attributes.Select(a => new XAttribute(a.Name, a.Value)));
        _current.Add(g);
        var outer = _current;
        _current = g;
        try { draw(); }
        finally { _current = outer; }
    }

    public void Rect(double x, double y, double w, double h, string fill, string stroke = "none", double rx = 0, double strokeWidth = 1, double opacity = 1)
    {
        Extend(x, y, x + w, y + h);
        _current.Add(new XElement(Ns + "rect", A("x", x), A("y", y), A("width", w), A("height", h), A("rx", rx),
            new XAttribute("fill", fill), new XAttribute("stroke", stroke), A("stroke-width", strokeWidth), Opacity(opacity)));
    }

    public void Circle(double cx, double cy, double r, string fill, string stroke = "none", double strokeWidth = 1)
    {
        Extend(cx - r, cy - r, cx + r, cy + r);
        _current.Add(new XElement(Ns + "circle", A("cx", cx), A("cy", cy), A("r", r), new XAttribute("fill", fill),
            new XAttribute("stroke", stroke), A("stroke-width", strokeWidth)));
    }

    /// <summary>A straight line; <paramref name="arrow"/> puts an arrowhead at its end (x2, y2).</summary>
    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1.2, bool arrow = false, double opacity = 1)
    {
        Extend(Math.Min(x1, x2), Math.Min(y1, y2), Math.Max(x1, x2), Math.Max(y1, y2));
        var line = new XElement(Ns + "line", A("x1", x1), A("y1", y1), A("x2", x2), A("y2", y2),
            new XAttribute("stroke", stroke), A("stroke-width", width), Opacity(opacity));
        if (arrow) line.Add(new XAttribute("marker-end", "url(#arrow)"));
        _current.Add(line);
    }

    /// <summary>A line of text made of spans; anchor is start, middle or end. Returns its estimated width.</summary>
    public double Text(double x, double y, double size, string anchor, params Span[] spans)
    {
        double w = TextWidth(string.Concat(spans.Select(s => s.Text)), size);
        double left = anchor switch { "middle" => x - w / 2, "end" => x - w, _ => x };
        Extend(left, y - size, left + w, y + size * 0.3);
        var text = new XElement(Ns + "text", A("x", x), A("y", y), A("font-size", size), new XAttribute("text-anchor", anchor));
        foreach (var s in spans)
        {
            var t = new XElement(Ns + "tspan", s.Text);
            if (s.Ref is not null) t.Add(new XAttribute("data-ref", s.Ref));
            if (s.Fill is not null) t.Add(new XAttribute("fill", s.Fill));
            if (s.Bold) t.Add(new XAttribute("font-weight", "bold"));
            text.Add(t);
        }
        _current.Add(text);
        return w;
    }

    public double Text(double x, double y, double size, string text, string anchor = "start", string? fill = null, bool bold = false) =>
        Text(x, y, size, anchor, new Span(text, null, fill, bold));

    /// <summary>The finished document: a white page, the arrowhead marker, a title for screen readers, and a view box around all of it (no width or height, so it scales).</summary>
    public string ToSvg(string title, double margin = 16)
    {
        double x = _minX - margin, y = _minY - margin, w = _maxX - _minX + 2 * margin, h = _maxY - _minY + 2 * margin;
        var svg = new XElement(Ns + "svg",
            new XAttribute("version", "1.1"),
            // A view box and no fixed size: the picture scales to the window, the slide or the page.
            new XAttribute("viewBox", string.Join(" ", new[] { x, y, w, h }.Select(F))),
            new XAttribute("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"),
            new XElement(Ns + "title", title),
            new XElement(Ns + "defs",
                new XElement(Ns + "marker", new XAttribute("id", "arrow"), new XAttribute("viewBox", "0 0 10 10"), new XAttribute("refX", "9"),
                    new XAttribute("refY", "5"), new XAttribute("markerWidth", "7"), new XAttribute("markerHeight", "7"), new XAttribute("orient", "auto-start-reverse"),
                    new XElement(Ns + "path", new XAttribute("d", "M0,0 L10,5 L0,10 z"), new XAttribute("fill", "context-stroke")))),
            new XElement(Ns + "rect", A("x", x), A("y", y), A("width", w), A("height", h), new XAttribute("fill", "white")),
            _root);
        return new XDocument(svg).ToString(SaveOptions.DisableFormatting) + "\n";
    }

    private void Extend(double x1, double y1, double x2, double y2)
    {
        _minX = Math.Min(_minX, x1);
        _minY = Math.Min(_minY, y1);
        _maxX = Math.Max(_maxX, x2);
        _maxY = Math.Max(_maxY, y2);
    }

    private static XAttribute A(string name, double v) => new(name, F(v));
    private static XAttribute? Opacity(double o) => o < 1 ? new XAttribute("opacity", F(o)) : null;
    public static string F(double v) => Math.Round(v, 2).ToString(CultureInfo.InvariantCulture);
}
