using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Backprop.Cli.Usage;

/// <summary>
/// Numbers that make no sense are refused while parsing, before any work: every number option of every
/// verb must be finite, and the options below must also lie in their range. Rules go by option name
/// (a name means the same on every verb), with a verb-specific rule first where a verb differs.
/// </summary>
internal static class NumberRules
{
    private sealed record Rule(double Min, double Max, bool MinExclusive = false)
    {
        public bool Allows(double v) => double.IsFinite(v) && (MinExclusive ? v > Min : v >= Min) && v <= Max;

        public string Describe() => (MinExclusive, Max) switch
        {
            (true, double.MaxValue) when Min == 0 => "a positive number",
            (false, double.MaxValue) when Min == 0 => "a finite number, 0 or more",
            (false, >= int.MaxValue) => $"at least {Min}",
            _ => $"from {Min} to {Max.ToString("N0", CultureInfo.InvariantCulture)}",
        };
    }

    private const double Huge = 1_000_000;

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        ["--lr"] = new(0, double.MaxValue, MinExclusive: true),
        ["--tolerance"] = new(0, double.MaxValue, MinExclusive: true),
        ["--momentum"] = new(0, double.MaxValue),
        ["--weight-decay"] = new(0, double.MaxValue),
        ["--threads"] = new(1, 4096),
        ["--limit"] = new(1, int.MaxValue),
        ["--epochs"] = new(0, Huge),          // analyze gradients: 0 follows the initialization only
        ["train --epochs"] = new(1, Huge),
        ["--batch"] = new(1, Huge),
        ["--depth"] = new(1, 10_000),
        ["--width"] = new(1, Huge),
        ["--top"] = new(1, int.MaxValue),
        ["--checkpoint-every"] = new(0, int.MaxValue),
    };

    /// <summary>Adds the checks to every number option in the tree under <paramref name="root"/>.</summary>
    public static void AddTo(Command root) => Walk(root, "");

    private static void Walk(Command command, string path)
    {
        foreach (var option in command.Options)
        {
            var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            if (type != typeof(int) && type != typeof(long) && type != typeof(double) && type != typeof(float)) continue;
            var rule = Rules.GetValueOrDefault($"{path}{option.Name}".Trim()) ?? Rules.GetValueOrDefault(option.Name) ?? new Rule(double.MinValue, double.MaxValue);
            option.Validators.Add(result => Check(result, option.Name, rule));
        }
        foreach (var sub in command.Subcommands) Walk(sub, $"{path}{sub.Name} ");
    }

    private static void Check(OptionResult result, string name, Rule rule)
    {
        if (result.Implicit) return; // defaults are ours
        double v;
        try
        {
            v = Convert.ToDouble(result.GetValueOrDefault<object?>() ?? 0.0, CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return; // not a number at all: the parser's own error says so
        }
        if (!rule.Allows(v)) result.AddError($"{name} must be {rule.Describe()}, got {v.ToString(CultureInfo.InvariantCulture)}");
    }
}
