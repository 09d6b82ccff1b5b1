using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.Tests.Cli;

namespace Backprop.Tests.Explain;

/// <summary>The text and Markdown walks read back: every matrix printed, number by number, against the trace.</summary>
public partial class PrintedTraceTests
{
    [Theory]
    [InlineData("text", "article1")]
    [InlineData("markdown", "article1")]
    [InlineData("text", "article3")]
    [InlineData("markdown", "article2-2-2-2-2")]
    public void Every_printed_matrix_is_the_traces(string format, string example)
    {
        var result = CliRunner.Run("explain", "--example", example, "--format", format);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = CliRunner.Run("explain", "--example", example, "--format", "json");
        using var doc = System.Text.Json.JsonDocument.Parse(json.Stdout);
        var keys = doc.RootElement.GetProperty("steps").EnumerateArray()
            .SelectMany(s => s.GetProperty("matrices").EnumerateArray().Select(m => (Key: m.GetProperty("key").GetString()!,
                Transposed: m.TryGetProperty("transposed", out var t) && t.GetBoolean()))).ToList();
        var printed = ReadMatrices(result.Stdout);
        Assert.Equal(keys.Count, printed.Count);
        var descent = ExplainFixtures.Descent(example);
        for (int n = 0; n < keys.Count; n++)
        {
            var keyed = descent.Get(keys[n].Key);
            var expected = keys[n].Transposed ? Backprop.Tensors.Matrix<double>.FromRows(
                [.. Enumerable.Range(0, keyed.Cols).Select(j => Enumerable.Range(0, keyed.Rows).Select(i => keyed[i, j]).ToArray())]) : keyed;
            var (rows, cols, values) = printed[n];
            Assert.Equal((expected.Rows, expected.Cols), (rows, cols));
            Assert.Equal(expected.Length, values.Count);
            for (int i = 0; i < values.Count; i++)
                Assert.True(Math.Abs(values[i] - expected.Span[i]) <= 6e-4 * Math.Abs(expected.Span[i]), $"{keys[n].Key}[{i}]: printed {values[i]}, trace {expected.Span[i]}");
        }
    }

    /// <summary>Matrix blocks in print order: a header "SYMBOL (r×c)" fixes each block's column, its rows follow in brackets.</summary>
    private static List<(int Rows, int Cols, List<double> Values)> ReadMatrices(string text)
    {
        var found = new List<(int, int, List<double>)>();
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        for (int l = 0; l < lines.Length; l++)
        {
            var headers = Header().Matches(lines[l]).ToList();
            if (headers.Count == 0 || !lines[l + 1].TrimStart().StartsWith('[')) continue;
            foreach (var (h, index) in headers.Select((h, i) => (h, i)))
            {
                int start = h.Index, end = index + 1 < headers.Count ? headers[index + 1].Index : int.MaxValue;
                int rows = int.Parse(h.Groups[2].Value, CultureInfo.InvariantCulture), cols = int.Parse(h.Groups[3].Value, CultureInfo.InvariantCulture);
                var values = new List<double>();
                for (int r = 1; r <= rows; r++)
                {
                    string line = lines[l + r];
                    string cell = start < line.Length ? line[start..Math.Min(end, line.Length)] : "";
                    values.AddRange(cell.Trim().TrimStart('[').TrimEnd(']').Split(' ', StringSplitOptions.RemoveEmptyEntries)
                        .Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)));
                }
                found.Add((rows, cols, values));
            }
        }
        return found;
    }

    [GeneratedRegex(@"(\S+) \((\d+)×(\d+)\)")]
    private static partial Regex Header();
}
