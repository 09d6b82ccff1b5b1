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
            void Step(int b)
            {
                Batcher.Fill(data, order.AsSpan(b % 3 * batch, batch), encoding, x, t, network.Outputs);
                network.ComputeGradients(x, t);
                optimizer.Step(parameters);
            }
            for (int b = 0; b < 5; b++) Step(b); // first use of each shape: buffers, optimizer state

            long thread = GC.GetAllocatedBytesForCurrentThread();
            long workers = WorkerPool.WorkerAllocatedBytes;
            for (int b = 0; b < 20; b++) Step(b);
            long threadBytes = GC.GetAllocatedBytesForCurrentThread() - thread;
            long workerBytes = WorkerPool.WorkerAllocatedBytes - workers;

            Assert.Equal(0, threadBytes);
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
