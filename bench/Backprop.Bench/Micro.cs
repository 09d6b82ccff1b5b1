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

/// <summary>The micro-benchmarks (BenchmarkDotNet, in process: warm-up excluded, median of the iterations).</summary>
internal static class Micro
{
    /// <summary>Our GEMM rate on the first forward product of training (128×784·784×256), once measured: the "GEMM peak" of the share rows.</summary>
    public static double? TrainingGemmRate { get; private set; }

    public static IEnumerable<Row> Gemms(Options options, Reference python)
    {
        // The best iteration on both sides (BenchmarkDotNet's minimum, numpy's quickest repeat): the training
        // rows and the scaling table measure their share against this rate, so it must not be a disturbed one.
        var best = RunBenchmarks<GemmBenchmark>(options, fastest: true);
        foreach (string shape in GemmBenchmark.Shapes)
        {
            var (op, m, k, n) = GemmBenchmark.Parse(shape);
            double flops = 2.0 * m * k * n;
            double ours = flops / best[shape]; // flops per ns = GFLOP/s
            if (shape == "X·W:128x784x256") TrainingGemmRate = ours;
            // reference.py takes m×n×k, and the operand to see transposed.
            string[] extra = op switch { "Xᵀ·Δ" => ["--transpose-a"], "Δ·Wᵀ" => ["--transpose-b"], _ => [] };
            double? numpy = python.Run("gemm", ["--shape", $"{m}x{n}x{k}", "--repeats", options.Quick ? "3" : "7", .. extra]) is { } j ? j.GetProperty("gflops_best").GetDouble() : null;
            bool training = m < 1024;
            string what = op switch { "Xᵀ·Δ" => $"{k}×{m}ᵀ·{k}×{n} (Xᵀ·Δ)", "Δ·Wᵀ" => $"{m}×{k}·{n}×{k}ᵀ (Δ·Wᵀ)", _ => $"{m}×{k}·{k}×{n}" };
            yield return new Row($"float32 GEMM {what}", "GFLOP/s", ours, numpy, "numpy/OpenBLAS", ours / (numpy ?? double.NaN), training ? 1.2 : null);
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

    /// <summary>Runs one benchmark class and returns the median (or, with <paramref name="fastest"/>, the minimum) time in ns of each case, by parameter or method name.</summary>
    private static Dictionary<string, double> RunBenchmarks<TBenchmark>(Options options, bool fastest = false)
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
            times[key] = fastest ? report.ResultStatistics.Min : report.ResultStatistics.Median;
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
public class GemmBenchmark
{
    /// <summary>op:m×k×n for each product measured.</summary>
    public static readonly string[] Shapes =
        ["X·W:128x784x256", "Xᵀ·Δ:784x128x256", "X·W:128x256x128", "Xᵀ·Δ:256x128x128", "Δ·Wᵀ:128x128x256", "X·W:1024x1024x1024", "X·W:2048x2048x2048"];

    private Matrix<float> _a = new(0, 0), _b = new(0, 0), _c = new(0, 0);
    private string _op = "";

    /// <summary>For BenchmarkDotNet's ParamsSource (a property).</summary>
    public static IEnumerable<string> ShapeValues => Shapes;

    [ParamsSource(nameof(ShapeValues))]
    public string Shape { get; set; } = "";

    /// <summary>Splits "op:MxKxN" into the product and its sizes.</summary>
    public static (string Op, int M, int K, int N) Parse(string shape)
    {
        string[] parts = shape.Split(':');
        int[] d = [.. parts[1].Split('x').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        return (parts[0], d[0], d[1], d[2]);
    }

    [GlobalSetup]
    public void Setup()
    {
        Gemm.Threads = BenchmarkSettings.Threads;
        var (op, m, k, n) = Parse(Shape);
        _op = op;
        var rng = new Random(1);
        _a = op == "Xᵀ·Δ" ? Random(rng, k, m) : Random(rng, m, k);
        _b = op == "Δ·Wᵀ" ? Random(rng, n, k) : Random(rng, k, n);
        _c = new Matrix<float>(m, n);
    }

    [Benchmark]
    public void Multiply()
    {
        if (_op == "Xᵀ·Δ") Gemm.MultiplyTransposeA(_a, _b, _c);
        else if (_op == "Δ·Wᵀ") Gemm.MultiplyTransposeB(_a, _b, _c);
        else Gemm.Multiply(_a, _b, _c);
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
