using System.Globalization;
using System.Text;

namespace Backprop.ServeBench;

/// <summary>One line of the table: what was measured, the figure, the target and whether it is met (null: no target).</summary>
internal sealed record Row(string Measure, string Figure, string Target = "", bool? Met = null)
{
    public static string Table(IEnumerable<Row> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| measure | figure | target | met |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var r in rows)
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Measure} | {r.Figure} | {r.Target} | {(r.Met is { } met ? met ? "yes" : "**no**" : "")} |");
        return sb.ToString().TrimEnd();
    }
}

/// <summary>Medians and percentiles (nearest rank) of a sample.</summary>
internal static class Stats
{
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        int rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyCollection<double> values) => Percentile(values, 50);

    /// <summary>"median M ms, 90th percentile P ms".</summary>
    public static string Ms(IReadOnlyCollection<double> values) =>
        string.Create(CultureInfo.InvariantCulture, $"median {Median(values):0.0} ms, p90 {Percentile(values, 90):0.0} ms");
}
