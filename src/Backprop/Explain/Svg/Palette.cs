namespace Backprop.Explain.Svg;

/// <summary>
/// Colours: one shade of red per example of the batch (light to dark, as the first article draws its
/// batch of two), grey for structure, a blue for gradients and an orange for highlighted paths.
/// </summary>
internal static class Palette
{
    public const string Ink = "#222222", Muted = "#777777", Edge = "#9aa0a6", NodeFill = "#fbfbfb", NodeStroke = "#5f6368";
    public const string Gradient = "#1a5fb4", Highlight = "#e66100", Faded = "#d0d0d0", LossFill = "#fff4d6";

    /// <summary>Example b of a batch of n: light red for the first, dark red for the last.</summary>
    public static string Example(int b, int n)
    {
        double t = n <= 1 ? 1 : (double)b / (n - 1);
        // From a light coral (240, 128, 128) to a dark red (139, 0, 0).
        int r = (int)Math.Round(240 + (139 - 240) * t), g = (int)Math.Round(128 * (1 - t)), bl = (int)Math.Round(128 * (1 - t));
        return $"#{r:x2}{g:x2}{bl:x2}";
    }
}
