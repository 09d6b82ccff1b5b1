using System.Globalization;
using System.Xml.Linq;

namespace Backprop.Explain.Svg;

/// <summary>
/// A diagram for a projector (<c>diagram --large</c>): lines twice as heavy, and the grey of secondary text
/// and faded edges darkened to full contrast, which washes out first on a projected screen. The layout and
/// every number stay as they are, so the picture reads the same at the back of a lecture hall.
/// </summary>
public static class Projector
{
    /// <summary>How much heavier every stroke is drawn.</summary>
    public const double StrokeFactor = 2;

    /// <summary>The projector version of a diagram drawn by <see cref="Diagrams.Draw"/>.</summary>
    public static string Adapt(string svg)
    {
        var document = XDocument.Parse(svg);
        foreach (var e in document.Descendants())
        {
            if (e.Attribute("stroke-width") is { } w)
                w.Value = SvgCanvas.F(double.Parse(w.Value, CultureInfo.InvariantCulture) * StrokeFactor);
            foreach (var name in new[] { "fill", "stroke" })
                if (e.Attribute(name) is { } a)
                    a.Value = a.Value switch { Palette.Muted => Palette.Ink, Palette.Faded => Palette.Edge, "#c8c8c8" or "#e3e3e3" => Palette.NodeStroke, var v => v };
        }
        return document.ToString(SaveOptions.DisableFormatting) + "\n";
    }
}
