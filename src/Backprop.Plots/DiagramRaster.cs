using System.Globalization;
using System.Xml.Linq;
using Backprop.IO;
using SkiaSharp;

namespace Backprop.Plots;

/// <summary>
/// Renders the explain diagrams' SVG (the few elements <c>Backprop.Explain.Svg</c> writes: groups with
/// opacity, rect, circle, line with an arrowhead, text of coloured tspans) to PNG or PDF through SkiaSharp,
/// so a PNG or PDF is the very picture the SVG is. Other SVG is refused, not drawn wrongly.
/// </summary>
public static class DiagramRaster
{
    /// <summary>The picture formats a diagram can be written in, by file extension.</summary>
    public static readonly string[] Extensions = [".svg", ".png", ".pdf"];

    /// <summary>Writes <paramref name="svg"/> to <paramref name="path"/> atomically, as SVG, PNG or PDF by its extension.</summary>
    /// <param name="scale">pixels per SVG unit for PNG (2 keeps text sharp on a projector)</param>
    public static void Save(string svg, string path, double scale = 2)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        switch (extension)
        {
            case ".svg": AtomicFile.WriteAllText(path, svg); break;
            case ".png": AtomicFile.Write(path, s => s.Write(Png(svg, scale))); break;
            case ".pdf": AtomicFile.Write(path, s => s.Write(Pdf(svg))); break;
            default: throw new BackpropException($"--out {path}: the format comes from the extension, one of {string.Join(", ", Extensions)}");
        }
    }

    /// <summary>The diagram as a PNG, <paramref name="scale"/> pixels per SVG unit.</summary>
    public static byte[] Png(string svg, double scale = 2)
    {
        var root = XDocument.Parse(svg).Root ?? throw new BackpropException("empty SVG");
        var box = ViewBox(root);
        var info = new SKImageInfo((int)Math.Ceiling(box.Width * scale), (int)Math.Ceiling(box.Height * scale));
        using var surface = SKSurface.Create(info) ?? throw new BackpropException($"a {info.Width}×{info.Height} picture is too large to render");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        canvas.Scale((float)scale);
        canvas.Translate((float)-box.Left, (float)-box.Top);
        Draw(canvas, root, 1);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The diagram as a one-page vector PDF, one point per SVG unit.</summary>
    public static byte[] Pdf(string svg)
    {
        var root = XDocument.Parse(svg).Root ?? throw new BackpropException("empty SVG");
        var box = ViewBox(root);
        using var stream = new MemoryStream();
        using (var document = SKDocument.CreatePdf(stream))
        {
            var canvas = document.BeginPage((float)box.Width, (float)box.Height);
            canvas.Translate((float)-box.Left, (float)-box.Top);
            Draw(canvas, root, 1);
            document.EndPage();
            document.Close();
        }
        return stream.ToArray();
    }

    private static (double Left, double Top, double Width, double Height) ViewBox(XElement root)
    {
        var v = (root.Attribute("viewBox")?.Value ?? throw new BackpropException("the SVG has no viewBox"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Number).ToArray();
        return (v[0], v[1], v[2], v[3]);
    }

    private static void Draw(SKCanvas canvas, XElement element, double opacity)
    {
        foreach (var e in element.Elements())
        {
            double o = opacity * (e.Attribute("opacity") is { } a ? Number(a.Value) : 1);
            switch (e.Name.LocalName)
            {
                case "g": Draw(canvas, e, o); break;
                case "rect": Rect(canvas, e, o); break;
                case "circle": Circle(canvas, e, o); break;
                case "line": Line(canvas, e, o); break;
                case "text": Text(canvas, e, o); break;
                case "title" or "defs": break;
                default: throw new BackpropException($"the diagram has a <{e.Name.LocalName}> element, which the PNG/PDF renderer does not draw");
            }
        }
    }

    private static void Rect(SKCanvas canvas, XElement e, double opacity)
    {
        var r = SKRect.Create(F(e, "x"), F(e, "y"), F(e, "width"), F(e, "height"));
        float rx = F(e, "rx");
        if (Paint(e, "fill", opacity, SKPaintStyle.Fill) is { } fill) using (fill) canvas.DrawRoundRect(r, rx, rx, fill);
        if (Paint(e, "stroke", opacity, SKPaintStyle.Stroke) is { } stroke) using (stroke) canvas.DrawRoundRect(r, rx, rx, stroke);
    }

    private static void Circle(SKCanvas canvas, XElement e, double opacity)
    {
        if (Paint(e, "fill", opacity, SKPaintStyle.Fill) is { } fill) using (fill) canvas.DrawCircle(F(e, "cx"), F(e, "cy"), F(e, "r"), fill);
        if (Paint(e, "stroke", opacity, SKPaintStyle.Stroke) is { } stroke) using (stroke) canvas.DrawCircle(F(e, "cx"), F(e, "cy"), F(e, "r"), stroke);
    }

    private static void Line(SKCanvas canvas, XElement e, double opacity)
    {
        using var paint = Paint(e, "stroke", opacity, SKPaintStyle.Stroke);
        if (paint is null) return;
        float x1 = F(e, "x1"), y1 = F(e, "y1"), x2 = F(e, "x2"), y2 = F(e, "y2");
        canvas.DrawLine(x1, y1, x2, y2, paint);
        if (e.Attribute("marker-end") is null) return;
        // The arrowhead of SvgCanvas's marker: 7 stroke widths long, tip at the line's end.
        double angle = Math.Atan2(y2 - y1, x2 - x1), length = 7 * paint.StrokeWidth * 0.9, half = 7 * paint.StrokeWidth * 0.45;
        using var head = new SKPath();
        head.MoveTo(x2, y2);
        head.LineTo((float)(x2 - length * Math.Cos(angle) + half * Math.Sin(angle)), (float)(y2 - length * Math.Sin(angle) - half * Math.Cos(angle)));
        head.LineTo((float)(x2 - length * Math.Cos(angle) - half * Math.Sin(angle)), (float)(y2 - length * Math.Sin(angle) + half * Math.Cos(angle)));
        head.Close();
        using var fill = new SKPaint { Color = paint.Color, Style = SKPaintStyle.Fill, IsAntialias = true };
        canvas.DrawPath(head, fill);
    }

    private static void Text(SKCanvas canvas, XElement e, double opacity)
    {
        float size = F(e, "font-size", 12), x = F(e, "x"), y = F(e, "y");
        bool boldText = e.Attribute("font-weight")?.Value == "bold";
        var spans = e.Elements().Where(t => t.Name.LocalName == "tspan").Select(t => (t.Value, Fill: t.Attribute("fill")?.Value ?? e.Attribute("fill")?.Value,
            Bold: boldText || t.Attribute("font-weight")?.Value == "bold")).ToList();
        if (spans.Count == 0) spans.Add((e.Value, e.Attribute("fill")?.Value, boldText));
        var fonts = spans.Select(s => Font(s.Bold, size)).ToList();
        try
        {
            float width = spans.Select((s, i) => fonts[i].MeasureText(s.Value)).Sum();
            float left = (e.Attribute("text-anchor")?.Value) switch { "middle" => x - width / 2, "end" => x - width, _ => x };
            for (int i = 0; i < spans.Count; i++)
            {
                using var paint = new SKPaint { Color = Colour(spans[i].Fill ?? "#000000", opacity), IsAntialias = true };
                canvas.DrawText(spans[i].Value, left, y, SKTextAlign.Left, fonts[i], paint);
                left += fonts[i].MeasureText(spans[i].Value);
            }
        }
        finally
        {
            foreach (var f in fonts) f.Dispose();
        }
    }

    private static SKFont Font(bool bold, float size) =>
        new(SKTypeface.FromFamilyName("DejaVu Sans", bold ? SKFontStyle.Bold : SKFontStyle.Normal), size) { Subpixel = true };

    private static SKPaint? Paint(XElement e, string attribute, double opacity, SKPaintStyle style)
    {
        string? value = e.Attribute(attribute)?.Value ?? (attribute == "fill" ? "#000000" : null);
        if (value is null or "none") return null;
        return new SKPaint { Color = Colour(value, opacity), Style = style, IsAntialias = true, StrokeWidth = style == SKPaintStyle.Stroke ? F(e, "stroke-width", 1) : 0 };
    }

    private static SKColor Colour(string value, double opacity)
    {
        var colour = value == "white" ? SKColors.White : SKColor.TryParse(value, out var c) ? c : throw new BackpropException($"the diagram uses colour '{value}', which the renderer does not know");
        return colour.WithAlpha((byte)Math.Round(colour.Alpha * Math.Clamp(opacity, 0, 1)));
    }

    private static float F(XElement e, string name, float fallback = 0) => e.Attribute(name) is { } a ? (float)Number(a.Value) : fallback;

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
