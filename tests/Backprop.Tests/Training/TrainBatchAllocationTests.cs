using Backprop.Data;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>
/// The trainer's own step (Batcher.Fill, then Trainer.TrainBatch, with plain SGD's update inside the backward
/// pass) allocates nothing in steady state either: at batch 1 (the outer-product pass), and at a batch whose
/// gather is split over the threads.
/// </summary>
[Collection(nameof(RunsAlone))]
public class TrainBatchAllocationTests
{
    [Theory]
    [InlineData("sgd", 1, 1)]
    [InlineData("sgd", 1, 2)]
    [InlineData("sgd", 64, 2)]
    [InlineData("momentum", 64, 2)]
    // Compiled fully optimized up front, as in AllocationTests: no on-stack replacement during the measured steps.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void SteadyStateTrainBatchAllocatesNothing(string optimizerName, int batch, int threads)
    {
        var rng = new Random(1);
        int count = 3 * batch;
        var features = new float[784 * count];
        for (int i = 0; i < features.Length; i++) features[i] = (float)rng.NextDouble();
        var data = new Dataset("allocation", features, 784, [.. Enumerable.Range(0, count).Select(i => i % 10)], 10);
        var network = NetworkSpec.Mlp([784, 256, 128, 10], "relu", "cross_entropy", "he", seed: 2).Build<float>();
        var trainer = new Trainer<float>(network, Optimizer<float>.Create(optimizerName, 0.01), batch, seed: 1);
        var encoding = Batcher.EncodingFor(data, "cross_entropy", network.Outputs);
        var x = new Matrix<float>(0, 0);
        var t = new Matrix<float>(0, 0);
        int[] order = [.. Enumerable.Range(0, count)];

        int saved = Gemm.Threads;
        Gemm.Threads = threads;
        try
        {
            void Step(int b)
            {
                Batcher.Fill(data, order.AsSpan(b % 3 * batch, batch), encoding, x, t, network.Outputs);
                trainer.TrainBatch(x, t);
            }
            var warmUp = System.Diagnostics.Stopwatch.StartNew();
            for (int b = 0; b < 5 || warmUp.ElapsedMilliseconds < 500; b++) Step(b);

            long workers = WorkerPool.WorkerAllocatedBytes; // first: touching the pool may initialize it
            long thread = GC.GetAllocatedBytesForCurrentThread();
            for (int b = 0; b < 20; b++) Step(b);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - thread);
            Assert.Equal(0, WorkerPool.WorkerAllocatedBytes - workers);
        }
        finally
        {
            Gemm.Threads = saved;
        }
    }
}
