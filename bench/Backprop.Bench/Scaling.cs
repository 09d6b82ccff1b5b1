using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Backprop.Tensors;

namespace Backprop.Bench;

/// <summary>
/// The scaling table: a training step of the MLP 784-W-W-10 for batch 1 … 4096 and width 64 … 2048, ours and
/// PyTorch's, each cell a process of its own per side (so the peak RSS is that cell's), the two sides alternating.
/// Share of GEMM peak = our examples/s × FLOPs per example ÷ our GEMM rate on the training shape in this run.
/// </summary>
internal static class Scaling
{
    public static readonly int[] Batches = [1, 8, 32, 128, 512, 4096];
    public static readonly int[] Widths = [64, 256, 1024, 2048];
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private sealed record Cell(int Width, int Batch, double Ours, double? Theirs, double OursRss, double? TheirsRss, double Share);

    public static string Compare(Options options, Reference python, double? gemmPeak)
    {
        var cells = new List<Cell>();
        double seconds = options.Quick ? 0.2 : 0.5;
        foreach (int width in Widths)
            foreach (int batch in Batches)
            {
                string[] args = ["--batch", Str(batch), "--width", Str(width), "--seconds", seconds.ToString(Invariant)];
                var ours = RunOurs(options, args);
                var theirs = python.Run("scale", args);
                if (ours is null) continue;
                double speed = ours.Value.GetProperty("examples_per_second").GetDouble();
                double flops = Workload.FlopsPerExample([784, width, width, 10]);
                cells.Add(new Cell(width, batch, speed, theirs?.GetProperty("examples_per_second").GetDouble(),
                    ours.Value.GetProperty("peak_rss_mb").GetDouble(), theirs?.GetProperty("peak_rss_mb").GetDouble(),
                    gemmPeak is { } peak ? speed * flops / 1e9 / peak : double.NaN));
                Console.Error.WriteLine($"scale: width {width}, batch {batch}: {speed:N0} vs {cells[^1].Theirs:N0} examples/s");
            }
        if (!options.Quick) File.WriteAllText(Path.Combine(Options.Root, "bench", "scaling.svg"), Plot(cells));
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"Training step of the MLP 784-W-W-10 (ReLU, cross-entropy, SGD), {options.Threads} threads, a fixed random batch, the best of 9 timed chunks after warm-up on both sides (the chunk least disturbed by neighbours on this shared machine); one process per cell and side (peak RSS = that process's VmHWM). Share of GEMM peak: examples/s × FLOPs per example (forward 2·in·out, backward 4·in·out, no dX for the first layer) ÷ our float32 GEMM rate on 128×784·784×256 in this run ({(gemmPeak is { } g ? g.ToString("0", Invariant) + " GFLOP/s" : "not measured")}). Plot: [scaling.svg](scaling.svg).");
        s.AppendLine();
        s.AppendLine("| width | batch | Backprop examples/s | PyTorch examples/s | ratio | share of GEMM peak | peak RSS Backprop / PyTorch (MB) |");
        s.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in cells)
        {
            string theirs = c.Theirs is { } t ? t.ToString("N0", Invariant) : "missing";
            string ratio = c.Theirs is { } r ? (c.Ours / r).ToString("0.00", Invariant) : "";
            string share = double.IsNaN(c.Share) ? "" : c.Share.ToString("P0", Invariant);
            s.AppendLine(CultureInfo.InvariantCulture, $"| {c.Width} | {c.Batch} | {c.Ours:N0} | {theirs} | {ratio} | {share} | {c.OursRss:N0} / {c.TheirsRss?.ToString("N0", Invariant) ?? "missing"} |");
        }
        return s.ToString();
    }

    private static JsonElement? RunOurs(Options options, string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(Scaling).Assembly.Location);
        foreach (var a in (string[])["scale-run", "--threads", Str(options.Threads), .. args]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string last = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        process.WaitForExit();
        if (process.ExitCode == 0 && last.StartsWith('{')) return JsonDocument.Parse(last).RootElement;
        Console.Error.WriteLine($"scale-run failed with exit code {process.ExitCode}");
        return null;
    }

    /// <summary>The child process: one cell, one JSON line.</summary>
    public static int RunChild(Options options)
    {
        Gemm.Threads = options.Threads;
        var work = new Workload([784, options.Width, options.Width, 10], options.Batch);
        double seconds = Workload.Time(() => work.Step(), options.Seconds);
        Console.WriteLine(JsonSerializer.Serialize(new { examples_per_second = options.Batch / seconds, peak_rss_mb = TrainingRun.PeakRssMegabytes() }));
        return 0;
    }

    /// <summary>examples/s against batch, log–log, one colour per width; ours solid, PyTorch dashed.</summary>
    private static string Plot(List<Cell> cells)
    {
        const double W = 640, H = 420, left = 70, right = 150, top = 30, bottom = 50;
        double[] values = [.. cells.Select(c => c.Ours), .. cells.Where(c => c.Theirs is > 0).Select(c => c.Theirs!.Value)];
        if (values.Length == 0) return "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        double yMin = Math.Floor(Math.Log10(values.Min())), yMax = Math.Ceiling(Math.Log10(values.Max()));
        double xMin = Math.Log2(Batches[0]), xMax = Math.Log2(Batches[^1]);
        double X(int batch) => left + (Math.Log2(batch) - xMin) / (xMax - xMin) * (W - left - right);
        double Y(double v) => H - bottom - (Math.Log10(v) - yMin) / Math.Max(yMax - yMin, 1) * (H - top - bottom);
        string[] colours = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a"];
        var s = new StringBuilder();
        s.AppendLine(Invariant, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">");
        s.AppendLine(Invariant, $"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>");
        s.AppendLine(Invariant, $"<text x=\"{left}\" y=\"18\">Training examples/s, MLP 784-W-W-10 (solid: Backprop, dashed: PyTorch)</text>");
        for (double e = yMin; e <= yMax; e++)
            s.AppendLine(Invariant, $"<line x1=\"{left}\" x2=\"{W - right}\" y1=\"{Y(Math.Pow(10, e)):0.#}\" y2=\"{Y(Math.Pow(10, e)):0.#}\" stroke=\"#ddd\"/><text x=\"{left - 8}\" y=\"{Y(Math.Pow(10, e)) + 4:0.#}\" text-anchor=\"end\">1e{e}</text>");
        foreach (int b in Batches)
            s.AppendLine(Invariant, $"<text x=\"{X(b):0.#}\" y=\"{H - bottom + 18}\" text-anchor=\"middle\">{b}</text>");
        s.AppendLine(Invariant, $"<text x=\"{(left + W - right) / 2}\" y=\"{H - 12}\" text-anchor=\"middle\">batch</text>");
        for (int i = 0; i < Widths.Length; i++)
        {
            var row = cells.Where(c => c.Width == Widths[i]).ToList();
            string ours = string.Join(' ', row.Select(c => $"{X(c.Batch):0.#},{Y(c.Ours):0.#}"));
            string theirs = string.Join(' ', row.Where(c => c.Theirs is > 0).Select(c => $"{X(c.Batch):0.#},{Y(c.Theirs!.Value):0.#}"));
            s.AppendLine(Invariant, $"<polyline points=\"{ours}\" fill=\"none\" stroke=\"{colours[i]}\" stroke-width=\"2\"/>");
            s.AppendLine(Invariant, $"<polyline points=\"{theirs}\" fill=\"none\" stroke=\"{colours[i]}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>");
            s.AppendLine(Invariant, $"<text x=\"{W - right + 10}\" y=\"{top + 20 + 18 * i}\" fill=\"{colours[i]}\">width {Widths[i]}</text>");
        }
        s.AppendLine("</svg>");
        return s.ToString();
    }

    private static string Str(int value) => value.ToString(Invariant);
}
