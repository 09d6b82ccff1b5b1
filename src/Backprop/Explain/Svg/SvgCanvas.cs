using System.Buffers;
using System.Globalization;
using System.Text;

namespace Backprop.Explain.Svg;

/// <summary>
/// A drawing surface that writes SVG elements and keeps the box around everything drawn, so the view box
/// always holds the whole picture. Text width is estimated from its length (no font metrics at hand).
/// The elements are written as text straight away (escaped as XML writers escape them): building them as
/// XElements first took most of a small network's edit in the browser's engine.
/// </summary>
internal sealed class SvgCanvas
{
    public const string Namespace = "http://www.w3.org/2000/svg";
    public const double CharWidth = 0.62; // of the font size: generous for digits and Greek in a sans font
    private readonly StringBuilder _body = new();
    private double _minX = double.MaxValue, _minY = double.MaxValue, _maxX = double.MinValue, _maxY = double.MinValue;

    /// <summary>One piece of a text line: optionally coloured, bold, and tagged with the trace reference its number came from.</summary>
    public sealed record Span(string Text, string? Ref = null, string? Fill = null, bool Bold = false);

    public static double TextWidth(string text, double size) => text.Length * size * CharWidth;

    /// <summary>Draws into a group carrying <paramref name="attributes"/> (data-node, data-edge, opacity…).</summary>
    public void Group(Action draw, params (string Name, string Value)[] attributes)
    {
        _body.Append("<g");
        foreach (var (name, value) in attributes) Attribute(name, value);
        int open = _body.Length;
        _body.Append('>');
        draw();
        if (_body.Length == open + 1)
        {
            // An empty group is written as XML writers write it, <g ... />.
            _body.Length = open;
            _body.Append(" />");
        }
        else _body.Append("</g>");
    }

    public void Rect(double x, double y, double w, double h, string fill, string stroke = "none", double rx = 0, double strokeWidth = 1, double opacity = 1)
    {
        Extend(x, y, x + w, y + h);
        _body.Append("<rect");
        Attribute("x", x);
        Attribute("y", y);
        Attribute("width", w);
        Attribute("height", h);
        Attribute("rx", rx);
        Attribute("fill", fill);
        Attribute("stroke", stroke);
        Attribute("stroke-width", strokeWidth);
        if (opacity < 1) Attribute("opacity", opacity);
        _body.Append(" />");
    }

    public void Circle(double cx, double cy, double r, string fill, string stroke = "none", double strokeWidth = 1)
    {
        Extend(cx - r, cy - r, cx + r, cy + r);
        _body.Append("<circle");
        Attribute("cx", cx);
        Attribute("cy", cy);
        Attribute("r", r);
        Attribute("fill", fill);
        Attribute("stroke", stroke);
        Attribute("stroke-width", strokeWidth);
        _body.Append(" />");
    }

    /// <summary>A straight line; <paramref name="arrow"/> puts an arrowhead at its end (x2, y2).</summary>
    public void Line(double x1, double y1, double x2, double y2, string stroke, double width = 1.2, bool arrow = false, double opacity = 1)
    {
        Extend(Math.Min(x1, x2), Math.Min(y1, y2), Math.Max(x1, x2), Math.Max(y1, y2));
        _body.Append("<line");
        Attribute("x1", x1);
        Attribute("y1", y1);
        Attribute("x2", x2);
        Attribute("y2", y2);
        Attribute("stroke", stroke);
        Attribute("stroke-width", width);
        if (opacity < 1) Attribute("opacity", opacity);
        if (arrow) Attribute("marker-end", "url(#arrow)");
        _body.Append(" />");
    }

    /// <summary>A line of text made of spans; anchor is start, middle or end. Returns its estimated width.</summary>
    public double Text(double x, double y, double size, string anchor, params Span[] spans)
    {
        double w = TextWidth(string.Concat(spans.Select(s => s.Text)), size);
        double left = anchor switch { "middle" => x - w / 2, "end" => x - w, _ => x };
        Extend(left, y - size, left + w, y + size * 0.3);
        _body.Append("<text");
        Attribute("x", x);
        Attribute("y", y);
        Attribute("font-size", size);
        Attribute("text-anchor", anchor);
        if (spans.Length == 0)
        {
            _body.Append(" />");
            return w;
        }
        _body.Append('>');
        foreach (var s in spans)
        {
            _body.Append("<tspan");
            if (s.Ref is not null) Attribute("data-ref", s.Ref);
            if (s.Fill is not null) Attribute("fill", s.Fill);
            if (s.Bold) Attribute("font-weight", "bold");
            _body.Append('>');
            Escape(s.Text, attribute: false);
            _body.Append("</tspan>");
        }
        _body.Append("</text>");
        return w;
    }

    public double Text(double x, double y, double size, string text, string anchor = "start", string? fill = null, bool bold = false) =>
        Text(x, y, size, anchor, new Span(text, null, fill, bold));

    /// <summary>The finished document: a white page, the arrowhead marker, a title for screen readers, and a view box around all of it (no width or height, so it scales).</summary>
    public string ToSvg(string title, double margin = 16)
    {
        double x = _minX - margin, y = _minY - margin, w = _maxX - _minX + 2 * margin, h = _maxY - _minY + 2 * margin;
        var body = _body.ToString();
        _body.Clear();
        _body.Append("<svg");
        Attribute("version", "1.1");
        // A view box and no fixed size: the picture scales to the window, the slide or the page.
        Attribute("viewBox", string.Join(" ", new[] { x, y, w, h }.Select(F)));
        Attribute("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif");
        Attribute("xmlns", Namespace);
        _body.Append("><title>");
        Escape(title, attribute: false);
        _body.Append("</title><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">")
            .Append("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\" /></marker></defs>");
        _body.Append("<rect");
        Attribute("x", x);
        Attribute("y", y);
        Attribute("width", w);
        Attribute("height", h);
        Attribute("fill", "white");
        _body.Append(" /><g");
        _body.Append(body.Length == 0 ? " />" : ">" + body + "</g>");
        _body.Append("</svg>\n");
        string svg = _body.ToString();
        _body.Clear().Append(body);
        return svg;
    }

    private void Extend(double x1, double y1, double x2, double y2)
    {
        _minX = Math.Min(_minX, x1);
        _minY = Math.Min(_minY, y1);
        _maxX = Math.Max(_maxX, x2);
        _maxY = Math.Max(_maxY, y2);
    }

    private void Attribute(string name, double value)
    {
        _body.Append(' ').Append(name).Append("=\"");
        AppendF(_body, value);
        _body.Append('"');
    }

    private void Attribute(string name, string value)
    {
        _body.Append(' ').Append(name).Append("=\"");
        Escape(value, attribute: true);
        _body.Append('"');
    }

    /// <summary>XML's escapes, as XmlWriter writes them: &amp;, &lt;, &gt; everywhere; in attributes also ", tab and line ends.</summary>
    private void Escape(string text, bool attribute)
    {
        // Most text needs no escape: appended whole (a character at a time is slow in the browser's interpreter).
        if (text.AsSpan().IndexOfAny(Escaped) < 0)
        {
            _body.Append(text);
            return;
        }
        foreach (char ch in text)
        {
            switch (ch)
            {
                case '&': _body.Append("&amp;"); break;
                case '<': _body.Append("&lt;"); break;
                case '>': _body.Append("&gt;"); break;
                case '"' when attribute: _body.Append("&quot;"); break;
                case '\t' when attribute: _body.Append("&#x9;"); break;
                case '\n' when attribute: _body.Append("&#xA;"); break;
                case '\r': _body.Append("&#xD;"); break;
                default: _body.Append(ch); break;
            }
        }
    }

    private static readonly SearchValues<char> Escaped = SearchValues.Create("&<>\"\t\n\r");

    /// <summary>A coordinate or size as written: rounded to two decimals, in the shortest form that reads back the same.</summary>
    public static string F(double v)
    {
        var sb = new StringBuilder(12);
        AppendF(sb, v);
        return sb.ToString();
    }

    /// <summary>
    /// <see cref="F"/>, appended: the same text as <c>Math.Round(v, 2).ToString(CultureInfo.InvariantCulture)</c>,
    /// written from the whole number of hundredths, which is five times faster in the browser's interpreter
    /// (a diagram has about a thousand of them). k/100 rounded to a double reads back as the same double, and no
    /// shorter decimal does (neighbours differ by 0.01), so its digits are the shortest round trip's.
    /// </summary>
    private static void AppendF(StringBuilder sb, double v)
    {
        double r = Math.Round(v, 2);
        double hundredths = Math.Round(r * 100);
        if (!(Math.Abs(hundredths) < 1e14))
        {
            sb.Append(r.ToString(CultureInfo.InvariantCulture)); // exponents, infinities, NaN
            return;
        }
        long k = (long)hundredths;
        if (k == 0)
        {
            sb.Append(double.IsNegative(r) ? "-0" : "0");
            return;
        }
        if (k < 0)
        {
            sb.Append('-');
            k = -k;
        }
        sb.Append(k / 100);
        long fraction = k % 100;
        if (fraction == 0) return;
        sb.Append('.').Append((char)('0' + fraction / 10));
        if (fraction % 10 != 0) sb.Append((char)('0' + fraction % 10));
    }
}
