using System.Globalization;
using System.Text;

namespace Backprop.Explain;

/// <summary>
/// How the articles write things: superscripts number layers (W¹, L²), subscripts number units (w¹₁₂),
/// and numbers are shown with four significant digits so a matrix fits on a line. The glossary that every
/// output links to is docs/notation.md.
/// </summary>
public static class Notation
{
    /// <summary>Where the one glossary of symbols lives, relative to the repository root.</summary>
    public const string Glossary = "docs/notation.md";

    /// <summary>The prime of a derivative (σ′), a real prime rather than an apostrophe.</summary>
    public const string Prime = "′";

    /// <summary>
    /// The function an activation layer applies, as an equation writes it: σ for the sigmoid (the first
    /// article's), tanh, ReLU, LeakyReLU, id. A network without a known type is written σ.
    /// </summary>
    public static string Function(string? activation) => activation switch
    {
        "sigmoid" or null => "σ",
        "tanh" => "tanh",
        "relu" => "ReLU",
        "leaky_relu" => "LeakyReLU",
        "identity" => "id",
        _ => activation,
    };

    /// <summary>The derivative of <see cref="Function"/>: σ′, tanh′, ReLU′.</summary>
    public static string Derivative(string? activation) => Function(activation) + Prime;

    private const string Superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";
    private const string Subscripts = "₀₁₂₃₄₅₆₇₈₉";

    /// <summary>A layer number as a superscript: 2 → ², 12 → ¹².</summary>
    /// <param name="n">A non-negative number.</param>
    public static string Sup(int n) => Map(n, Superscripts);
    /// <summary>A unit number as a subscript: 2 → ₂, 12 → ₁₂.</summary>
    /// <param name="n">A non-negative number.</param>
    public static string Sub(int n) => Map(n, Subscripts);

    /// <summary>A 1-based index pair as subscripts: w¹₁₂ for (1, 2); a comma separates when either has two digits.</summary>
    public static string Sub(int i, int j) => i < 10 && j < 10 ? Sub(i) + Sub(j) : Sub(i) + "," + Sub(j);

    /// <summary>Four significant digits, plain decimals where they read well, otherwise an exponent. Always parses back with invariant culture.</summary>
    public static string Number(double v)
    {
        if (v == 0) return "0";
        if (!double.IsFinite(v)) return v.ToString(CultureInfo.InvariantCulture);
        double a = Math.Abs(v);
        if (a >= 1e-3 && a < 1e4)
        {
            int decimals = Math.Max(0, 3 - (int)Math.Floor(Math.Log10(a)));
            return Math.Round(v, decimals, MidpointRounding.AwayFromZero).ToString("0.#######", CultureInfo.InvariantCulture);
        }
        return v.ToString("0.###e+0", CultureInfo.InvariantCulture);
    }

    private static string Map(int n, string digits)
    {
        var sb = new StringBuilder();
        foreach (char c in n.ToString(CultureInfo.InvariantCulture)) sb.Append(c == '-' ? '₋' : digits[c - '0']);
        return sb.ToString();
    }
}
