using System.Globalization;

namespace Backprop.Playground;

/// <summary>
/// The parameters of a request as the page writes them (<c>a=1&amp;b=x</c>, URL-encoded): the same text reaches
/// the core from the server's query string and from the worker's message.
/// </summary>
internal sealed class Query
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>Reads <paramref name="text"/>, with or without its leading '?'; a repeated name keeps its last value.</summary>
    public static Query Parse(string? text)
    {
        var q = new Query();
        foreach (string part in (text ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string name = Decode(eq < 0 ? part : part[..eq]), value = eq < 0 ? "" : Decode(part[(eq + 1)..]);
            q._values[name] = value;
        }
        return q;
    }

    /// <summary>The value of <paramref name="name"/>, or null when absent.</summary>
    public string? this[string name] => _values.GetValueOrDefault(name);

    /// <summary>A finite number of moderate size, or a one-line error naming it.</summary>
    public static double Number(string text, string name) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && Math.Abs(v) < 1e9
            ? v : throw new BackpropException($"{name} '{text}' is not a number");

    private static string Decode(string s)
    {
        try { return Uri.UnescapeDataString(s.Replace('+', ' ')); }
        catch (UriFormatException) { throw new BackpropException($"'{s}' is not URL-encoded text"); }
    }
}
