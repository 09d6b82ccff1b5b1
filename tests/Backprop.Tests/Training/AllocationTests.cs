using Backprop.Data;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Tests.Training;

[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>
/// A training step in steady state (same batch shape as before) must not allocate on the managed heap:
/// buffers are made once per shape, and the product threads are a persistent pool woken without closures.
/// </summary>
[Collection(nameof(RunsAlone))]
public class AllocationTests
{
    [Theory]
    [InlineData("relu", "cross_entropy", "sgd", 64, 1)]
    [InlineData("relu", "cross_entropy", "momentum", 64, 2)]
    [InlineData("sigmoid", "half_sse", "sgd", 2, 1)]
    [InlineData("tanh", "mse", "adam", 200, 2)]
    // Compiled fully optimized up front: otherwise the long warm-up loop makes this very method tier up
    // (on-stack replacement) in the middle of the measured steps, and the runtime's bookkeeping is counted.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void SteadyStateTrainingStepAllocatesNothing(string activation, string loss, string optimizerName, int batch, int threads)
    {
        var data = Data(features: 100, classes: 4, count: 3 * batch);
        var network = NetworkSpec.Mlp([100, 256, 64, 4], activation, loss, null, seed: 2).Build<float>();
        var optimizer = Optimizer<float>.Create(optimizerName, 0.01);
        var parameters = network.Parameters.ToList();
        var encoding = Batcher.EncodingFor(data, loss, network.Outputs);
        var x = new Matrix<float>(0, 0);
        var t = new Matrix<float>(0, 0);
        int[] order = [.. Enumerable.Range(0, data.Count)];

        int saved = Gemm.Threads;
        Gemm.Threads = threads;
        try
        {
            // One step; the bytes each part allocated go to the log, so a failure says which part it was.
            void Step(int b, System.Text.StringBuilder log)
            {
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                Batcher.Fill(data, order.AsSpan(b % 3 * batch, batch), encoding, x, t, network.Outputs);
                long a1 = GC.GetAllocatedBytesForCurrentThread();
                network.ComputeGradients(x, t);
                long a2 = GC.GetAllocatedBytesForCurrentThread();
                optimizer.Step(parameters);
                long a3 = GC.GetAllocatedBytesForCurrentThread();
                if (a3 != a0) log.Append("step ").Append(b).Append(' ').Append(a1 - a0).Append('/').Append(a2 - a1).Append('/').Append(a3 - a2).Append("; ");
            }
            // First use of each shape makes buffers and optimizer state. Then keep stepping a while: tiered JIT
            // recompiles hot methods in the background (after a 100 ms delay), and a tier switch during the
            // measured steps could be counted against them. The test asserts on bytes, not on time.
            var log = new System.Text.StringBuilder(4096); // made before the measured steps
            var warmUp = System.Diagnostics.Stopwatch.StartNew();
            for (int b = 0; b < 5 || warmUp.ElapsedMilliseconds < 500; b++) Step(b, log);
            log.Clear();

            long workers = WorkerPool.WorkerAllocatedBytes; // first: touching the pool may initialize it
            long thread = GC.GetAllocatedBytesForCurrentThread();
            for (int b = 0; b < 20; b++) Step(b, log);
            long threadBytes = GC.GetAllocatedBytesForCurrentThread() - thread;
            long workerBytes = WorkerPool.WorkerAllocatedBytes - workers;

            Assert.True(threadBytes == 0, log.ToString());
            Assert.Equal(0, workerBytes); // the product threads allocate nothing either
        }
        finally
        {
            Gemm.Threads = saved;
        }
    }

    private static Dataset Data(int features, int classes, int count)
    {
        var rng = new Random(1);
        var x = new float[features * count];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        int[] labels = [.. Enumerable.Range(0, count).Select(_ => rng.Next(classes))];
        return new Dataset("random", x, features, labels, classes);
    }
}
