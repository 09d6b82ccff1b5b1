using System.Globalization;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Backprop.Bench;

/// <summary>The micro-benchmarks: the GEMM rows as timed chunks beside numpy's, the steps and inference with BenchmarkDotNet (in process: warm-up excluded, median of the iterations).</summary>
internal static class Micro
{
    /// <summary>Our GEMM rate on the first forward product of training (128×784·784×256), once measured: the "GEMM peak" of the share rows.</summary>
    public static double? TrainingGemmRate { get; private set; }

    public static IEnumerable<Row> Gemms(Options options, Reference python)
    {
        // Both sides time chunks of at least 3 products and 2e8 FLOP and keep the quickest, ours in this process and numpy in
        // reference.py, one shape after the other, alternating, in rounds spread over the part: this machine's speed
        // moves in phases of minutes, and the two sides of a row must not be measured in different ones.
        string[] shapes = GemmBenchmark.Shapes;
        var ours = new double[shapes.Length];
        var numpy = new double?[shapes.Length];
        int rounds = options.Quick ? 1 : 3;
        Gemm.Threads = options.Threads;
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < shapes.Length; i++)
            {
                var (op, m, k, n) = GemmBenchmark.Parse(shapes[i]);
                ours[i] = Math.Max(ours[i], new GemmBenchmark { Shape = shapes[i] }.BestRate(options.Quick ? 3 : 7));
                // reference.py takes m×n×k, and the operand to see transposed.
                string[] extra = op switch { "Xᵀ·Δ" => ["--transpose-a"], "Δ·Wᵀ" => ["--transpose-b"], _ => [] };
                if (python.Run("gemm", ["--shape", $"{m}x{n}x{k}", "--repeats", options.Quick ? "3" : "7", .. extra]) is { } j)
                    numpy[i] = Math.Max(numpy[i] ?? 0, j.GetProperty("gflops_best").GetDouble());
            }
        for (int i = 0; i < shapes.Length; i++)
        {
            var (op, m, k, n) = GemmBenchmark.Parse(shapes[i]);
            if (shapes[i] == GemmBenchmark.TrainingShape) TrainingGemmRate = ours[i];
            bool training = m < 1024;
            string what = op switch { "Xᵀ·Δ" => $"{k}×{m}ᵀ·{k}×{n} (Xᵀ·Δ)", "Δ·Wᵀ" => $"{m}×{k}·{n}×{k}ᵀ (Δ·Wᵀ)", _ => $"{m}×{k}·{k}×{n}" };
            yield return new Row($"float32 GEMM {what}", "GFLOP/s", ours[i], numpy[i], "numpy/OpenBLAS", ours[i] / (numpy[i] ?? double.NaN), training ? 1.2 : null);
        }
    }

    /// <summary>Forward only (inference) of 784-256-128-10 at batch 1 and 1024, against PyTorch under torch.inference_mode() and ONNX Runtime.</summary>
    public static IEnumerable<Row> Inference(Options options, Reference python)
    {
        var medians = RunBenchmarks<InferenceBenchmark>(options);
        foreach (int batch in InferenceBenchmark.Batches)
        {
            double ours = medians[batch.ToString(CultureInfo.InvariantCulture)] / 1000;
            double? torch = python.Run("infer", "--batch", batch.ToString(CultureInfo.InvariantCulture)) is { } j ? j.GetProperty("us").GetDouble() : null;
            yield return new Row($"inference (forward), MLP 784-256-128-10, batch {batch}", "µs", ours, torch, "PyTorch inference_mode", (torch ?? double.NaN) / ours, 1);
        }
        foreach (var row in OnnxInference.Compare(options)) yield return row;
    }

    public static IEnumerable<Row> Steps(Options options, Reference python)
    {
        var medians = RunBenchmarks<StepBenchmark>(options);
        string steps = options.Quick ? "300" : "1000";
        double tiny = medians[nameof(StepBenchmark.TinyStep)] / 1000, mlp = medians[nameof(StepBenchmark.MlpBatch1Step)] / 1000;
        double? torchTiny = python.Run("tiny", "--steps", steps) is { } t ? t.GetProperty("step_us").GetDouble() : null;
        double? torchMlp = python.Run("mlp1", "--steps", steps, "--threads", "1") is { } m ? m.GetProperty("step_us").GetDouble() : null;
        yield return new Row("training step, 2-2-1 sigmoid, batch 2", "µs", tiny, torchTiny, "PyTorch", (torchTiny ?? double.NaN) / tiny, 50);
        yield return new Row("training step, MLP 784-256-128-10, batch 1, 1 thread", "µs", mlp, torchMlp, "PyTorch", (torchMlp ?? double.NaN) / mlp, 4);
    }

    /// <summary>Runs one benchmark class and returns the median time in ns of each case, by parameter or method name.</summary>
    private static Dictionary<string, double> RunBenchmarks<TBenchmark>(Options options)
    {
        BenchmarkSettings.Threads = options.Threads;
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(options.Quick ? 2 : 5)
            .WithIterationCount(options.Quick ? 5 : 15);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(NullLogger.Instance)
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<TBenchmark>(config);
        foreach (var error in summary.ValidationErrors) Console.Error.WriteLine($"BenchmarkDotNet: {error.Message}");
        var times = new Dictionary<string, double>();
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is null) throw new InvalidOperationException($"{report.BenchmarkCase.DisplayInfo} did not run");
            string key = report.BenchmarkCase.HasParameters
                ? report.BenchmarkCase.Parameters.Items[0].Value.ToString()!
                : report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            times[key] = report.ResultStatistics.Median;
            Console.Error.WriteLine($"benchmark {key}: median {report.ResultStatistics.Median:0} ns, min {report.ResultStatistics.Min:0} ns");
        }
        return times;
    }
}

/// <summary>Settings the benchmark classes read in their set-up (BenchmarkDotNet creates them itself).</summary>
internal static class BenchmarkSettings
{
    public static int Threads { get; set; } = 2;
}

/// <summary>The products of training 784-256-128-10 at batch 128 (forward X·W, backward Xᵀ·Δ and Δ·Wᵀ) and two square ones; shapes m×k×n of C = m×n.</summary>
internal sealed class GemmBenchmark
{
    /// <summary>The first forward product of training at batch 128: its rate is the "GEMM rate" training is measured against.</summary>
    public const string TrainingShape = "X·W:128x784x256";

    /// <summary>op:m×k×n for each product measured.</summary>
    public static readonly string[] Shapes =
        [TrainingShape, "Xᵀ·Δ:784x128x256", "X·W:128x256x128", "Xᵀ·Δ:256x128x128", "Δ·Wᵀ:128x128x256", "X·W:1024x1024x1024", "X·W:2048x2048x2048"];

    /// <summary>The product measured, as op:m×k×n.</summary>
    public required string Shape { get; init; }

    /// <summary>Splits "op:MxKxN" into the product and its sizes.</summary>
    public static (string Op, int M, int K, int N) Parse(string shape)
    {
        string[] parts = shape.Split(':');
        int[] d = [.. parts[1].Split('x').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        return (parts[0], d[0], d[1], d[2]);
    }

    /// <summary>
    /// GFLOP/s of the quickest of <paramref name="repeats"/> chunks of at least 3 products and 2e8 FLOP, after one chunk of
    /// warm-up: what reference.py's gemm mode does on numpy's side. With <paramref name="products"/>, chunks of that many.
    /// </summary>
    public double BestRate(int repeats, int products = 0)
    {
        var (op, m, k, n) = Parse(Shape);
        var rng = new Random(1);
        var a = op == "Xᵀ·Δ" ? Random(rng, k, m) : Random(rng, m, k);
        var b = op == "Δ·Wᵀ" ? Random(rng, n, k) : Random(rng, k, n);
        var c = new Matrix<float>(m, n);
        void Multiply()
        {
            if (op == "Xᵀ·Δ") Gemm.MultiplyTransposeA(a, b, c);
            else if (op == "Δ·Wᵀ") Gemm.MultiplyTransposeB(a, b, c);
            else Gemm.Multiply(a, b, c);
        }
        double flops = 2.0 * m * n * k;
        int reps = products > 0 ? products : Math.Max(3, (int)(2e8 / flops));
        for (int i = 0; i < reps; i++) Multiply();
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int i = 0; i < reps; i++) Multiply();
            best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds / reps);
        }
        return flops / best / 1e9;
    }

    private static Matrix<float> Random(Random rng, int rows, int cols)
    {
        var m = new Matrix<float>(rows, cols);
        for (int i = 0; i < m.Length; i++) m.Span[i] = (float)(rng.NextDouble() * 2 - 1);
        return m;
    }
}

/// <summary>One training step (forward, loss, backward, SGD update) on a fixed batch, as reference.py times it.</summary>
public class StepBenchmark
{
    private Network<float> _tiny = null!, _mlp = null!;
    private Matrix<float> _tinyX = null!, _tinyT = null!, _mlpX = null!, _mlpT = null!;
    private Trainer<float> _tinyTrainer = null!, _mlpTrainer = null!;

    [GlobalSetup]
    public void Setup()
    {
        Gemm.Threads = 1; // the batch-1 target is on one thread, both sides (reference.py mlp1 --threads 1)
        // The first article's kind of network: 2 inputs, 2 sigmoid hidden units, 1 sigmoid output, batch 2.
        _tiny = new Network<float>([new Dense<float>(2, 2), new Sigmoid<float>(), new Dense<float>(2, 1), new Sigmoid<float>()], Loss<float>.Create("mse"));
        float[] weights = [0.15f, 0.25f, 0.20f, 0.30f, 0.35f, 0.35f, 0.40f, 0.50f, 0.60f];
        int next = 0;
        foreach (var p in _tiny.Parameters) foreach (ref var w in p.Value.Span) w = weights[next++ % weights.Length];
        _tinyX = new Matrix<float>(2, 2, [0.05f, 0.10f, 0.60f, 0.90f]);
        _tinyT = new Matrix<float>(2, 1, [0.01f, 0.99f]);
        _tinyTrainer = new Trainer<float>(_tiny, new Sgd<float>(0.1), 2, 1);

        _mlp = NetworkSpec.Mlp([784, 256, 128, 10], "relu", "cross_entropy", "he", 1).Build<float>();
        _mlpX = new Matrix<float>(1, 784);
        var rng = new Random(1);
        for (int i = 0; i < 784; i++) _mlpX.Span[i] = (float)rng.NextDouble();
        _mlpT = new Matrix<float>(1, 1, [3f]);
        _mlpTrainer = new Trainer<float>(_mlp, new Sgd<float>(0.1), 1, 1);
    }

    [Benchmark]
    public double TinyStep() => _tinyTrainer.TrainBatch(_tinyX, _tinyT);

    [Benchmark]
    public double MlpBatch1Step() => _mlpTrainer.TrainBatch(_mlpX, _mlpT);
}

/// <summary>The forward pass alone (inference) of 784-256-128-10 on a fixed random batch.</summary>
public class InferenceBenchmark
{
    /// <summary>The batch sizes measured.</summary>
    public static readonly int[] Batches = [1, 1024];
    private Workload _work = null!;

    /// <summary>For BenchmarkDotNet's ParamsSource (a property).</summary>
    public static IEnumerable<int> BatchValues => Batches;

    /// <summary>The batch size of this case.</summary>
    [ParamsSource(nameof(BatchValues))]
    public int Batch { get; set; }

    /// <summary>Builds the network and the batch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Gemm.Threads = BenchmarkSettings.Threads;
        _work = new Workload([784, 256, 128, 10], Batch);
    }

    /// <summary>One forward pass.</summary>
    [Benchmark]
    public Matrix<float> Forward() => _work.Network.Forward(_work.X);
}
