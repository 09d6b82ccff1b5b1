using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Backprop.Bench;

/// <summary>The results table (Markdown, so the console and bench/RESULTS.md show the same thing).</summary>
internal static class Report
{
    public static string Table(IReadOnlyList<Row> rows, Options options, Reference python)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"Threads: {options.Threads} on both sides. {Machine()} Load average at the start: {StartLoad}.");
        s.AppendLine(CultureInfo.InvariantCulture, $"References: {python.Describe()}.");
        s.AppendLine(CultureInfo.InvariantCulture, $"Training: {options.Epochs} epoch(s) per run, {options.Repeats} run(s) per side alternating, spread over the part, the quickest run's examples/s, first 50 batches excluded; GEMM: the quickest timed chunk on each side, alternating shape by shape over {(options.Quick ? 1 : 3)} round(s); other micro-benchmarks: BenchmarkDotNet medians.");
        s.AppendLine();
        s.AppendLine("| measure | unit | Backprop (C#) | reference | ratio (×, higher is better for us) | target | met |");
        s.AppendLine("|---|---|---:|---:|---:|---:|:---:|");
        foreach (var r in rows)
        {
            string theirs = r.Reference == "" ? "—" : r.Theirs is null ? "missing" : Format(r.Theirs.Value);
            string ratio = double.IsNaN(r.Ratio) ? (r.Note ?? "") : r.Ratio.ToString("0.00", CultureInfo.InvariantCulture);
            string target = r.Target is null ? "" : $"≥ {r.Target.Value.ToString("0.##", CultureInfo.InvariantCulture)}";
            string met = r.Met switch { true => "yes", false => "**no**", _ => r.Note is not null ? Accuracy(r) : "" };
            s.AppendLine(CultureInfo.InvariantCulture, $"| {r.Measure} | {r.Unit} | {Format(r.Ours)} | {theirs}{(r.Reference == "" ? "" : $" ({r.Reference})")} | {ratio} | {target} | {met} |");
        }
        return s.ToString();
    }

    /// <summary>Accuracy rows have no ratio: they are met when within their tolerance of the reference (half a point unless the row says).</summary>
    private static string Accuracy(Row r) => r.Theirs is null ? "" : Math.Abs(r.Ours - r.Theirs.Value) <= (r.Tolerance ?? 0.5) ? "yes" : "**no**";

    public static void Write(string table, Options options)
    {
        // `all` writes RESULTS.md; a single part writes RESULTS-<part>.md beside it.
        string path = Path.Combine(Options.Root, "bench", options.Command == "all" ? "RESULTS.md" : $"RESULTS-{options.Command}.md");
        var s = new StringBuilder();
        s.AppendLine("# Benchmark results");
        s.AppendLine();
        s.AppendLine("Reproduce with one command (needs python3-torch, python3-numpy, libopenblas0-pthread, dataset-fashion-mnist):");
        s.AppendLine();
        s.AppendLine("```");
        s.AppendLine("dotnet run -c Release --project bench/Backprop.Bench -- all");
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine("It takes about 8–10 minutes on a quiet 2-core machine and rewrites this file and bench/scaling.svg: a header, the");
        s.AppendLine("main table (one row per measure: ours, the reference, the ratio where higher is better for us, the target, met),");
        s.AppendLine("then \"Where the time goes\" (per-phase µs) and \"Scaling\" (784-W-W-10 over batch × width). The references run as");
        s.AppendLine(CultureInfo.InvariantCulture, $"`{Reference.CommandLine}`, so OpenBLAS (numpy's and PyTorch's BLAS) picks its own kernel; the kernel it ran is named below.");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Written by `dotnet run -c Release --project bench/Backprop.Bench -- {options.Command}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average at the start {StartLoad}.");
        s.AppendLine("Both sides were measured in the same run, alternating; on a shared, busy machine only the ratios are meaningful.");
        s.AppendLine();
        if (UnderLoad)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"**Measured under load** ({DateTime.UtcNow:yyyy-MM-dd}): the load average was {StartLoad} on {Environment.ProcessorCount} cores when this run started, so other");
            s.AppendLine("processes held most of the CPU. Whole-run figures are inflated by 2–10×, and even the ratios are unreliable (the multi-threaded");
            s.AppendLine("references suffer most). Load-robust figures (best of many repetitions, one thread) are in docs/performance.md;");
            s.AppendLine("rerun the command above on a quiet machine for this table.");
            s.AppendLine();
        }
        s.Append(table);
        File.WriteAllText(path, s.ToString());
        Console.Error.WriteLine($"wrote {path}");
    }

    /// <summary>More runnable work than cores when the run started: the figures are then marked as measured under load.</summary>
    public static bool UnderLoad => double.TryParse(StartLoad, NumberStyles.Float, CultureInfo.InvariantCulture, out double load) && load > Environment.ProcessorCount;

    /// <summary>The load average when the run started.</summary>
    public static string StartLoad { get; } = LoadAverage();

    /// <summary>The 1-minute load average (Linux): how busy the machine was, since the figures depend on it.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static string Machine()
    {
        string cpu = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? cpu;
        string simd = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "AVX2" : "no wide SIMD";
        return $"Machine: {cpu}, {Environment.ProcessorCount} cores, {simd}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}.";
    }

    private static string Format(double value) =>
        value.ToString(value >= 100 ? "N0" : value >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
}
