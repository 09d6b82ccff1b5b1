using System.Globalization;
using System.Text.Json.Nodes;
using Backprop.Data;

namespace Backprop.Playground.Analysis;

/// <summary>
/// The settings of one analysis study as the page sends them (<c>depth=10&amp;activation=sigmoid</c>): each
/// absent one takes the default of the matching <c>backprop analyze</c> option, and each is bounded so that a
/// study stays quick enough for a figure that follows a slider.
/// </summary>
internal sealed class StudyQuery(string? text)
{
    private readonly Query _q = Query.Parse(text);

    /// <summary>The optimizers a study may train with.</summary>
    public static readonly string[] Optimizers = ["sgd", "momentum", "adam"];

    /// <summary>A whole number in [min, max], or a one-line error naming the setting and its range.</summary>
    public int Int(string name, int fallback, int min, int max)
    {
        if (_q[name] is not { } text) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new BackpropException($"{name} '{text}' is not a whole number");
        if (v < min || v > max) throw new BackpropException($"{name} must be from {min} to {max}, got {v}");
        return v;
    }

    /// <summary>A positive number up to <paramref name="max"/>.</summary>
    public double Positive(string name, double fallback, double max)
    {
        if (_q[name] is not { } text) return fallback;
        double v = Query.Number(text, name);
        if (!(v > 0) || v > max) throw new BackpropException($"{name} must be above 0 and at most {max}, got {text}");
        return v;
    }

    /// <summary>One of <paramref name="allowed"/>, or a one-line error listing them.</summary>
    public string Choice(string name, string fallback, IReadOnlyList<string> allowed)
    {
        string v = _q[name] ?? fallback;
        if (!allowed.Contains(v)) throw new BackpropException($"unknown {name} '{v}' (expected one of: {string.Join(", ", allowed)})");
        return v;
    }

    /// <summary>Like <see cref="Choice"/>, but null when absent (the analysis then picks, as the CLI does).</summary>
    public string? OptionalChoice(string name, IReadOnlyList<string> allowed) => _q[name] is null ? null : Choice(name, "", allowed);

    /// <summary>The built-in data sets only: the page never names a file on the host.</summary>
    public string Data(string fallback) => Choice("data", fallback, Synthetic.Names);

    /// <summary>A number for the JSON answer: NaN (not defined here, as the CLI's tables print "–") becomes null.</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
