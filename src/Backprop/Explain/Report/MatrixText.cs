using System.Text;
using Backprop.Explain.Steps;
using Backprop.Tensors;

namespace Backprop.Explain.Report;

/// <summary>Matrices as aligned text blocks, set side by side where they fit: how a terminal and Markdown show a step.</summary>
public static class MatrixText
{
    /// <summary>"W¹ (2×3)" over bracketed rows with the columns aligned.</summary>
    public static List<string> Block(TraceMatrix m)
    {
        var cells = m.Value.ToRows().Select(r => r.Select(Notation.Number).ToArray()).ToArray();
        int cols = m.Value.Cols;
        var widths = Enumerable.Range(0, cols).Select(j => cells.Length == 0 ? 1 : cells.Max(r => r[j].Length)).ToArray();
        var lines = new List<string> { $"{m.Symbol} ({m.Shape})" };
        foreach (var row in cells)
            lines.Add("[ " + string.Join("  ", row.Select((c, j) => c.PadLeft(widths[j]))) + " ]");
        return lines;
    }

    /// <summary>Blocks side by side, wrapping onto a new band when a line would pass <paramref name="width"/> characters.</summary>
    public static string SideBySide(IEnumerable<List<string>> blocks, int width = 100, string indent = "  ")
    {
        var sb = new StringBuilder();
        var band = new List<List<string>>();
        int used = 0;
        foreach (var block in blocks)
        {
            int w = block.Max(l => l.Length);
            if (band.Count > 0 && used + w > width)
            {
                Flush(sb, band, indent);
                used = 0;
            }
            band.Add(block);
            used += w + 4;
        }
        Flush(sb, band, indent);
        return sb.ToString();
    }

    private static void Flush(StringBuilder sb, List<List<string>> band, string indent)
    {
        if (band.Count == 0) return;
        int height = band.Max(b => b.Count);
        var widths = band.Select(b => b.Max(l => l.Length)).ToArray();
        for (int i = 0; i < height; i++)
        {
            var line = new StringBuilder(indent);
            for (int b = 0; b < band.Count; b++)
                line.Append((i < band[b].Count ? band[b][i] : "").PadRight(widths[b] + (b + 1 < band.Count ? 4 : 0)));
            sb.Append(line.ToString().TrimEnd()).Append('\n');
        }
        sb.Append('\n');
        band.Clear();
    }
}
