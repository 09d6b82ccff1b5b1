using System.Diagnostics;
using Backprop.Interop;
using Backprop.Model;
using Backprop.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Backprop.Bench;

/// <summary>
/// Forward only (inference) of 784-256-128-10 against ONNX Runtime on the same model: our network is exported
/// with our own ONNX writer, ONNX Runtime runs the file, and both sides are timed in this process, interleaved.
/// Our side is a <see cref="FrozenNetwork{T}"/> (weights packed once, as ONNX Runtime packs a session's), and beside it
/// <see cref="Network{T}.Predict(Matrix{T})"/> on the live network.
/// </summary>
/// <remarks>
/// ONNX Runtime is called its fastest documented way: graph optimizations at ORT_ENABLE_ALL (so Gemm + Relu
/// become one FusedGemm), sequential execution, intra-op threads = <see cref="Gemm.Threads"/> (inter-op 1), and
/// one pre-bound IOBinding whose input and output are OrtValues over pinned arrays allocated once, so a call
/// copies and allocates nothing on either side.
/// </remarks>
internal static class OnnxInference
{
    /// <summary>The session options, as the table and docs state them.</summary>
    public static string Settings(int threads) =>
        $"ORT_ENABLE_ALL, ORT_SEQUENTIAL, intra-op threads {threads}, inter-op 1, IOBinding with pre-allocated input/output OrtValues";

    public static IEnumerable<Row> Compare(Options options)
    {
        Gemm.Threads = options.Threads;
        string version = OrtEnv.Instance().GetVersionString();
        Console.Error.WriteLine($"ONNX Runtime {version}: {Settings(options.Threads)}");
        // What bounds both sides: the machine's multiply-add rate on these threads, measured now (it moves with the host).
        double ceiling = FmaCeiling.Measure(options.Threads);
        Console.Error.WriteLine(FormattableString.Invariant($"FMA ceiling, {options.Threads} threads: {ceiling:0} GFLOP/s"));
        yield return new Row($"float32 multiply-add ceiling, {options.Threads} threads at once (12 register-only FMA chains each, best of 9 windows)", "GFLOP/s",
            ceiling, null, "", double.NaN, null, "bounds every GFLOP/s figure");
        foreach (int batch in InferenceBenchmark.Batches)
        {
            var work = new Workload([784, 256, 128, 10], batch);
            using var ort = new OrtSide(work, options.Threads);
            var network = work.Network;
            // Ours as ONNX Runtime is used: a frozen network (weights packed once, as a session packs its constant
            // weights); beside it Predict on the live network, which packs W on every call.
            var frozen = network.Freeze();
            double diff = MaxRelativeDifference(frozen.Predict(work.X).Span, ort.Run());
            if (!(diff <= 1e-5)) throw new InvalidOperationException($"ONNX Runtime's outputs differ from ours by {diff:g3} at batch {batch} (expected within 1e-5)");
            var (us, rounds) = Interleaved([() => frozen.Predict(work.X), () => network.Predict(work.X), () => ort.Run()], options);
            Console.Error.WriteLine(FormattableString.Invariant(
                $"infer vs ONNX Runtime, batch {batch}: frozen {us[0][0]:0.00} µs (median {us[0][1]:0.00}), Predict {us[1][0]:0.00} µs (median {us[1][1]:0.00}), ORT {us[2][0]:0.00} µs (median {us[2][1]:0.00}); {rounds} interleaved rounds, outputs within {diff:g2}"));
            double flops = 2.0 * batch * work.Sizes.Zip(work.Sizes.Skip(1)).Sum(l => (double)l.First * l.Second);
            // A batch of one is bound by latency, not by the multiply-add rate: the share only means something for a large batch.
            string Share(double us) => FormattableString.Invariant($"{flops / us / 1e3 / ceiling:P0}");
            string shares = batch == 1 ? "" : $"; ours {Share(us[0][0])}, ONNX Runtime {Share(us[2][0])} of the FMA ceiling";
            yield return new Row($"inference (FrozenNetwork.Predict), MLP 784-256-128-10, batch {batch}, vs ONNX Runtime (best of {rounds} interleaved rounds{shares})", "µs",
                us[0][0], us[2][0], $"ONNX Runtime {version}", us[2][0] / us[0][0], 1);
            yield return new Row($"inference (Network.Predict, W packed every call), batch {batch}, vs ONNX Runtime (same rounds)", "µs",
                us[1][0], us[2][0], $"ONNX Runtime {version}", us[2][0] / us[1][0], null);
        }
    }

    /// <summary>The largest |ours − theirs| / max(1, |theirs|) over the outputs.</summary>
    private static double MaxRelativeDifference(ReadOnlySpan<float> ours, ReadOnlySpan<float> theirs)
    {
        if (ours.Length != theirs.Length) return double.PositiveInfinity;
        double worst = 0;
        for (int i = 0; i < ours.Length; i++) worst = Math.Max(worst, Math.Abs(ours[i] - theirs[i]) / Math.Max(1.0, Math.Abs(theirs[i])));
        return worst;
    }

    /// <summary>
    /// Per-call µs of each side, [minimum, median] over rounds; on a shared machine the minimum is the robust figure.
    /// A round times a chunk of calls (about 1 ms) of each side in turn, and every side starts the same way: 50 ms
    /// idle, then 3 ms of untimed calls, then the timed chunk. The idle time lets the side before stop: workers spin
    /// after a call before they sleep, and a spinning thread takes a core from whoever runs next (ours spin 0.5 ms,
    /// ONNX Runtime's about 30 ms of CPU, measured from the process's CPU time in the 100 ms after a run at 2
    /// threads). The warm-up is there because this VM's vCPUs run slowly for a few ms after idling (a batch-1024
    /// call right after 50 ms idle took 2–6 ms instead of 1), and a side that ran right after another would inherit
    /// a warm machine: that gave whichever side came later in the round an edge.
    /// </summary>
    private static (double[][] Us, int Rounds) Interleaved(Action[] sides, Options options)
    {
        for (int i = 0; i < 20; i++) foreach (var side in sides) side();
        int calls = Math.Max(1, (int)(1e-3 / sides.Min(Once)));
        int rounds = options.Quick ? 100 : 400;
        var times = sides.Select(_ => new double[rounds]).ToArray();
        int warmup = Math.Max(1, (int)(Warmup / sides.Min(Once)));
        for (int r = 0; r < rounds; r++)
            for (int j = 0; j < sides.Length; j++)
            {
                Thread.Sleep(50);
                for (int i = 0; i < warmup; i++) sides[j]();
                times[j][r] = Chunk(sides[j], calls);
            }
        return ([.. times.Select(t => new[] { t.Min(), TrainingRun.Median(t) })], rounds);
    }

    private const double Warmup = 3e-3;

    private static double Once(Action f)
    {
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++) best = Math.Min(best, Chunk(f, 1));
        return Math.Max(best * 1e-6, 1e-7);
    }

    /// <summary>µs per call of <paramref name="calls"/> calls, after one untimed call.</summary>
    private static double Chunk(Action f, int calls)
    {
        f();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++) f();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls;
    }

    /// <summary>Our network exported to ONNX (float32) and loaded in an ONNX Runtime session with its input and output bound once.</summary>
    private sealed class OrtSide : IDisposable
    {
        private readonly string _path = Path.Combine(Path.GetTempPath(), $"backprop-bench-{Environment.ProcessId}.onnx");
        private readonly SessionOptions _options;
        private readonly InferenceSession _session;
        private readonly RunOptions _run = new();
        private readonly OrtValue _input, _output;
        private readonly OrtIoBinding _binding;
        private readonly float[] _y;

        public OrtSide(Workload work, int threads)
        {
            NetworkFiles.Write(NetworkSpec.From(work.Network), _path, NetworkFormat.Onnx);
            _options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
            };
            _session = new InferenceSession(_path, _options);
            int batch = work.X.Rows;
            _input = OrtValue.CreateTensorValueFromMemory(work.X.ToArray(), [batch, work.X.Cols]);
            _y = new float[batch * work.Sizes[^1]];
            _output = OrtValue.CreateTensorValueFromMemory(_y, [batch, work.Sizes[^1]]);
            _binding = _session.CreateIoBinding();
            _binding.BindInput(_session.InputNames[0], _input);
            _binding.BindOutput(_session.OutputNames[0], _output);
        }

        /// <summary>One forward pass; the outputs are in the returned array (the same one every call).</summary>
        public float[] Run()
        {
            _session.RunWithBinding(_run, _binding);
            return _y;
        }

        public void Dispose()
        {
            _binding.Dispose();
            _input.Dispose();
            _output.Dispose();
            _run.Dispose();
            _session.Dispose();
            _options.Dispose();
            File.Delete(_path);
        }
    }
}
