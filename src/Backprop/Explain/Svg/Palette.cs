namespace Backprop.Explain.Svg;

/// <summary>
/// Colours: one per example of the batch from the Okabe–Ito palette (told apart by viewers with the
/// common colour-vision deficiencies; the first is a red, as the first article's batch is), grey for
/// structure, a blue for gradients and an orange for highlighted paths.
/// </summary>
internal static class Palette
{
    public const string Ink = "#222222", Muted = "#777777", Edge = "#9aa0a6", NodeFill = "#fbfbfb", NodeStroke = "#5f6368";
    public const string Gradient = "#1a5fb4", Highlight = "#e66100", Faded = "#d0d0d0", LossFill = "#fff4d6";

    /// <summary>
    /// Okabe–Ito (vermillion, bluish green, reddish purple, orange, sky blue, blue, black) and a wine red
    /// in place of its yellow, which is too light for text on white. Larger batches repeat them.
    /// </summary>
    public static readonly string[] Examples = ["#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#0072b2", "#000000", "#882255"];

    /// <summary>Example b of a batch of n.</summary>
    public static string Example(int b, int n) => Examples[b % Examples.Length];
}
