using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backprop.Data;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Bench;

/// <summary>
/// Training throughput, whole process against whole process: each run is its own process (so its peak
/// memory is its own), trains the Fashion-MNIST MLP 784-256-128-10 (ReLU, cross-entropy, SGD lr 0.1,
/// He init, shuffled every epoch) for the same epochs as PyTorch, times everything after the first 50
/// batches (warm-up: JIT, thread start, first allocations; PyTorch's script does the same), and reports
/// test accuracy at the end. Medians over the runs.
/// </summary>
internal static class TrainingRun
{
    private const int WarmupBatches = 50;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IEnumerable<Row> Compare(Options options, Reference python, double? gemmRate)
    {
        if (!FashionMnist.IsInstalled())
        {
            Console.Error.WriteLine("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist): no training runs");
            yield break;
        }
        int[] batches = options.Command == "train" && Environment.GetCommandLineArgs().Contains("--batch") ? [options.Batch] : [32, 128, 512];
        var oursOf = batches.ToDictionary(b => b, _ => new List<JsonElement>());
        var theirsOf = batches.ToDictionary(b => b, _ => new List<JsonElement>());
        // Round after round over the batch sizes, so that the runs of one batch size are spread over the whole part
        // (minutes) rather than back to back (seconds, one phase of this machine's speed); in each, the two sides
        // alternate so that a noisy neighbour hurts both alike.
        for (int r = 0; r < options.Repeats; r++)
            foreach (int batch in batches)
            {
                string[] args = ["--batch", Str(batch), "--epochs", Str(options.Epochs), "--seed", Str(options.Seed + r)];
                if (RunOurs(options, args) is { } o) oursOf[batch].Add(o);
                if (python.Run("train", [.. args, "--warmup-batches", Str(WarmupBatches)]) is { } t) theirsOf[batch].Add(t);
            }
        foreach (int batch in batches)
        {
            var (ours, theirs) = (oursOf[batch], theirsOf[batch]);
            if (ours.Count == 0) continue;
            // Speed: the best run on each side (this shared machine has slow phases that last minutes and halve a
            // whole run; the quickest run is the least disturbed). Memory: medians. Accuracy: means over the seeds,
            // since one run's accuracy after a few epochs of SGD moves by a point or two from seed to seed.
            var quickest = ours.MaxBy(r => r.GetProperty("samples_per_second").GetDouble());
            double speed = quickest.GetProperty("samples_per_second").GetDouble(), accuracy = Mean(ours, "test_accuracy"), rss = Median(ours, "peak_rss_mb");
            double? torchSpeed = theirs.Count > 0 ? Best(theirs, "samples_per_second") : null;
            double? torchAccuracy = theirs.Count > 0 ? Mean(theirs, "test_accuracy") : null;
            double? torchRss = theirs.Count > 0 ? Median(theirs, "peak_rss_mb") : null;
            string epochs = $"{options.Epochs} epoch{(options.Epochs > 1 ? "s" : "")}";
            yield return new Row($"training throughput, batch {batch}", "samples/s", speed, torchSpeed, "PyTorch", speed / (torchSpeed ?? double.NaN), null);
            // The target: training runs at a fixed share of the machine's GEMM rate (issue 12: ≥ 60 % at batch 128,
            // ≥ 70 % at 512), the rate measured in the quickest run's own process just before and after it.
            double rate = quickest.GetProperty("gemm_gflops").GetDouble();
            double flops = Workload.FlopsPerExample([784, 256, 128, 10]) / 1e9;
            double? target = batch switch { 128 => 0.6, 512 => 0.7, _ => null };
            string gemmPart = gemmRate is { } g ? FormattableString.Invariant($"; the gemm rows' rate: {g:0}") : "";
            yield return new Row($"training at batch {batch}: GFLOP/s, and (ratio column) share of our GEMM rate on 128×784·784×256 in the same process around the run ({rate:0} GFLOP/s{gemmPart})", "GFLOP/s", speed * flops, torchSpeed * flops, "PyTorch",
                speed * flops / rate, target, $"share {speed * flops / rate:P0}");
            // The same recipe should give the same accuracy: met when the two means differ by at most half a point,
            // or by less than two standard errors of their difference (a few seeds cannot resolve half a point when
            // one run's accuracy moves by one or two points from seed to seed, as at batch 512 after two epochs).
            double se = 100 * Math.Sqrt(Variance(ours, "test_accuracy") / ours.Count + (theirs.Count > 1 ? Variance(theirs, "test_accuracy") / theirs.Count : double.NaN));
            double tolerance = double.IsNaN(se) ? 0.5 : Math.Max(0.5, 2 * se);
            yield return new Row($"test accuracy after {epochs}, batch {batch}", "%", 100 * accuracy, 100 * torchAccuracy, "PyTorch",
                double.NaN, null, torchAccuracy is null ? null
                    : $"mean of {ours.Count} seeds each (seed-to-seed std {100 * Std(ours, "test_accuracy"):0.0} / {100 * Std(theirs, "test_accuracy"):0.0} points); difference {100 * (accuracy - torchAccuracy.Value):+0.00;-0.00} points, standard error {se:0.00} (target: within ±0.5 points or 2 standard errors, here ±{tolerance:0.00})",
                tolerance);
            yield return new Row($"peak memory (RSS) of the training process, batch {batch}", "MB", rss, torchRss, "PyTorch", (torchRss ?? double.NaN) / rss, 1.0);
        }
    }

    private static JsonElement? RunOurs(Options options, string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        // The child stands for `backprop train`, so it runs with the CLI's runtime settings (Backprop.Cli.csproj):
        // loops compiled fully optimized at once, no instrumented tier (docs/performance.md, the JIT's warm-up).
        start.Environment["DOTNET_TC_QuickJitForLoops"] = "0";
        start.Environment["DOTNET_TieredPGO"] = "0";
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(TrainingRun).Assembly.Location);
        foreach (var a in (string[])["train-run", "--threads", Str(options.Threads), .. args]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string last = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        process.WaitForExit();
        if (process.ExitCode == 0 && last.StartsWith('{')) return JsonDocument.Parse(last).RootElement;
        Console.Error.WriteLine($"train-run failed with exit code {process.ExitCode}");
        return null;
    }

    /// <summary>The child process: one training run, one JSON line.</summary>
    public static int RunChild(Options options)
    {
        Gemm.Threads = options.Threads;
        var (train, test) = FashionMnist.Load();
        var network = NetworkSpec.Mlp([784, 256, 128, 10], "relu", "cross_entropy", "he", options.Seed).Build<float>();
        // The library's own training step (Trainer.TrainBatch): forward, loss, backward and the SGD update.
        var trainer = new Trainer<float>(network, new Sgd<float>(0.1), options.Batch, options.Seed);
        var encoding = Batcher.EncodingFor(train, network.Loss.Name, network.Outputs);
        var rng = new Random(Trainer<float>.ShuffleSeed(options.Seed));
        int[] order = [.. Enumerable.Range(0, train.Count)];
        Matrix<float> x = new(0, 0), t = new(0, 0);
        double gemmBefore = GemmRate();
        double seconds = 0, loss = 0;
        long samples = 0;
        int step = 0;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            rng.Shuffle(order);
            long start = 0;
            int countedFrom = 0;
            for (int b = 0; b < train.Count; b += options.Batch, step++)
            {
                if (step == WarmupBatches || (step > WarmupBatches && b == 0))
                    (start, countedFrom) = (Stopwatch.GetTimestamp(), b);
                var indices = order.AsSpan(b, Math.Min(options.Batch, train.Count - b));
                Batcher.Fill(train, indices, encoding, x, t, network.Outputs);
                loss = trainer.TrainBatch(x, t);
            }
            if (start != 0)
            {
                seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
                samples += train.Count - countedFrom;
            }
        }
        double gemmAfter = GemmRate();
        var evaluation = Trainer<float>.Evaluate(network, test);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            samples_per_second = samples / seconds,
            gemm_gflops = Math.Max(gemmBefore, gemmAfter),
            test_accuracy = evaluation.Accuracy,
            train_loss = loss,
            peak_rss_mb = PeakRssMegabytes(),
        }));
        return 0;
    }

    /// <summary>
    /// GFLOP/s of the first forward product of training (128×784·784×256) in this process, on its threads: the quickest
    /// single product of 1800 (about 0.2 s). Measured just before and just after the run, so that the share of it that
    /// training reaches compares two figures from the same few seconds (this machine's speed moves in phases of minutes).
    /// </summary>
    private static double GemmRate() => new GemmBenchmark { Shape = GemmBenchmark.TrainingShape }.BestRate(repeats: 1800, products: 1);

    /// <summary>VmHWM from /proc/self/status: the same measure reference.py reports.</summary>
    public static double PeakRssMegabytes()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Invariant) / 1024;
        return double.NaN;
    }

    public static double Median(IEnumerable<JsonElement> runs, string property) =>
        Median([.. runs.Select(r => r.GetProperty(property).GetDouble())]);

    private static double Mean(IEnumerable<JsonElement> runs, string property) => runs.Average(r => r.GetProperty(property).GetDouble());

    /// <summary>The largest value over the runs (for speeds: the quickest run).</summary>
    private static double Best(IEnumerable<JsonElement> runs, string property) => runs.Max(r => r.GetProperty(property).GetDouble());

    private static double Variance(List<JsonElement> runs, string property) => Math.Pow(Std(runs, property), 2);

    /// <summary>Sample standard deviation over the runs: how much one run says.</summary>
    private static double Std(List<JsonElement> runs, string property)
    {
        if (runs.Count < 2) return double.NaN;
        double mean = Mean(runs, property);
        return Math.Sqrt(runs.Sum(r => Math.Pow(r.GetProperty(property).GetDouble() - mean, 2)) / (runs.Count - 1));
    }

    public static double Median(double[] values)
    {
        Array.Sort(values);
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
    }

    private static string Str(int value) => value.ToString(Invariant);
}
