using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.Explain.Svg;

/// <summary>
/// A diagram for a projector (<c>diagram --large</c>): lines twice as heavy, and the grey of secondary text
/// and faded edges darkened to full contrast, which washes out first on a projected screen. The layout and
/// every number stay as they are, so the picture reads the same at the back of a lecture hall.
/// </summary>
public static partial class Projector
{
    /// <summary>How much heavier every stroke is drawn.</summary>
    public const double StrokeFactor = 2;

    /// <summary>The projector version of a diagram drawn by <see cref="Diagrams.Draw"/>.</summary>
    public static string Adapt(string svg)
    {
        ArgumentNullException.ThrowIfNull(svg);
        // Our own SVG (SvgCanvas writes it): every attribute is name="value", so each tag's stroke widths and
        // colours can be rewritten where they stand, and the text between tags is left as it is.
        string adapted = Tag().Replace(svg, tag => Styled().Replace(tag.Value, a => a.Groups[1].Value switch
        {
            "stroke-width" => $" stroke-width=\"{SvgCanvas.F(double.Parse(a.Groups[2].Value, CultureInfo.InvariantCulture) * StrokeFactor)}\"",
            var name => $" {name}=\"{Colour(a.Groups[2].Value)}\"",
        }));
        return adapted.TrimEnd('\n') + "\n";
    }

    private static string Colour(string value) => value switch
    {
        Palette.Muted => Palette.Ink,
        Palette.Faded => Palette.Edge,
        "#c8c8c8" or "#e3e3e3" => Palette.NodeStroke,
        _ => value,
    };

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(" (stroke-width|fill|stroke)=\"([^\"]*)\"")]
    private static partial Regex Styled();
}
