namespace Backprop.Explain.Svg;

/// <summary>
/// Colours: one per example of the batch from the Okabe–Ito palette (told apart by viewers with the
/// common colour-vision deficiencies; the first is a red, as the first article's batch is), grey for
/// structure, a blue for gradients and an orange for highlighted paths.
/// </summary>
internal static class Palette
{
    // Muted text reads at 4.5:1 on the darkest fill it sits on (the loss's box), as every text here does.
    public const string Ink = "#222222", Muted = "#6f6f6f", Edge = "#9aa0a6", NodeFill = "#fbfbfb", NodeStroke = "#5f6368";
    public const string Gradient = "#1a5fb4", Highlight = "#e66100", Faded = "#d0d0d0", LossFill = "#fff4d6";

    /// <summary>The highlight darkened for numbers written in it (4.6:1 on the loss's box; the highlight itself is 3.2:1).</summary>
    public const string HighlightText = "#b84e00";

    /// <summary>
    /// Okabe–Ito (vermillion, bluish green, reddish purple, orange, sky blue, blue, black) and a wine red
    /// in place of its yellow, which is too light for text on white. Larger batches repeat them.
    /// </summary>
    public static readonly string[] Examples = ["#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#0072b2", "#000000", "#882255"];

    /// <summary>
    /// The same colours darkened, where they are needed, for an example's numbers written as text: each reads at
    /// WCAG's 4.5:1 on white, on a unit's box and on the loss's box (vermillion was 3.9:1, orange and sky blue 2.3:1).
    /// </summary>
    public static readonly string[] ExampleTexts = ["#b55000", "#007e5c", "#995b7d", "#936600", "#387597", "#0072b2", "#000000", "#882255"];

    /// <summary>Example b of a batch of n.</summary>
    public static string Example(int b, int n) => Examples[b % Examples.Length];

    /// <summary>The colour of example b's numbers (text); <see cref="Example"/> for its lines and swatches.</summary>
    public static string ExampleText(int b) => ExampleTexts[b % ExampleTexts.Length];
}
