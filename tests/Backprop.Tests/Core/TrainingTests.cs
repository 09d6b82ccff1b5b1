using Backprop.Data;
using Backprop.Model;
using Backprop.Training;

namespace Backprop.Tests.Core;

/// <summary>Training end to end: the library must actually learn.</summary>
public class TrainingTests
{
    private static Trainer<float> Train(Dataset data, NetworkSpec spec, Optimizer<float> optimizer, int batch, int epochs)
    {
        var trainer = new Trainer<float>(spec.Build<float>(), optimizer, batch, seed: 1);
        for (int e = 0; e < epochs; e++) trainer.TrainEpoch(data);
        return trainer;
    }

    [Fact]
    public void Xor_Reaches100Percent()
    {
        var data = Synthetic.Xor();
        var trainer = Train(data, NetworkSpec.Mlp([2, 8, 2], "tanh", "cross_entropy", seed: 1), new Adam<float>(0.05), batch: 4, epochs: 300);
        Assert.Equal(1.0, trainer.Evaluate(data).Accuracy);
    }

    [Fact]
    public void Xor_WithSigmoidAndSquaredError_AsInTheArticles_Reaches100Percent()
    {
        var data = Synthetic.Xor();
        var trainer = Train(data, NetworkSpec.Mlp([2, 3, 1], "sigmoid", "half_sse", seed: 3), new Sgd<float>(0.5, momentum: 0.9), batch: 4, epochs: 2000);
        Assert.Equal(1.0, trainer.Evaluate(data).Accuracy);
    }

    [Fact]
    public void TwoSpirals_ReachAtLeast95PercentTrainingAccuracy()
    {
        var data = Synthetic.Spirals(400, seed: 1);
        var trainer = Train(data, NetworkSpec.Mlp([2, 64, 64, 2], "relu", "cross_entropy", seed: 1), new Adam<float>(0.01), batch: 32, epochs: 300);
        Assert.True(trainer.Evaluate(data).Accuracy >= 0.95, $"spirals accuracy {trainer.Evaluate(data).Accuracy:P1}");
    }

    [Fact]
    public void SgdWithMomentum_AndAdam_FollowPyTorchsUpdateRule()
    {
        // One parameter, gradient g = w (from L = ½w²): the updates can be written out by hand.
        var net = new NetworkSpec([new LayerSpec("dense") { Weights = [[1.0]], Bias = [0.0] }], "half_sse").Build<double>();
        var p = net.DenseLayers.First().Weights;
        var sgd = new Sgd<double>(0.1, momentum: 0.9, weightDecay: 0.01);
        p.Gradient[0, 0] = 0.5;
        sgd.Step([p]);                                   // v = g + λw = 0.51; w = 1 − 0.051
        Assert.Equal(1 - 0.1 * 0.51, p.Value[0, 0], 14);
        p.Gradient[0, 0] = 0.5;
        double w1 = p.Value[0, 0], v1 = 0.9 * 0.51 + (0.5 + 0.01 * w1);
        sgd.Step([p]);
        Assert.Equal(w1 - 0.1 * v1, p.Value[0, 0], 14);

        var q = new Backprop.Layers.Parameter<double>("w", Backprop.Tensors.Matrix<double>.FromRows([[2.0]]));
        var adam = new Adam<double>(0.01);
        q.Gradient[0, 0] = 3.0;
        adam.Step([q]); // first step: m̂ = g, v̂ = g², so w moves by lr·g/(|g| + ε)
        Assert.Equal(2.0 - 0.01 * 3.0 / (3.0 + 1e-8), q.Value[0, 0], 12);
    }

    [Theory]
    [InlineData("sse")]
    [InlineData("half_sse")]
    [InlineData("mse")]
    [InlineData("cross_entropy")]
    public void ReportedLosses_ArePerExample_WhateverTheReductionAndBatch(string loss)
    {
        // The loss of a data set, per example, must not depend on the batch size used to compute it.
        var data = Synthetic.Blobs(90, 3, 2);
        var net = NetworkSpec.Mlp([2, 5, 3], "tanh", loss, seed: 4).Build<double>();
        var whole = Trainer<double>.Evaluate(net, data, batchSize: 90).Loss;
        Assert.Equal(whole, Trainer<double>.Evaluate(net, data, batchSize: 7).Loss, 10);
        var x = new Backprop.Tensors.Matrix<double>(0, 0);
        var t = new Backprop.Tensors.Matrix<double>(0, 0);
        Batcher.Fill(data, [0], Batcher.EncodingFor(data, loss, 3), x, t, 3);
        double first = net.Evaluate(x, t); // one example: sum and mean reductions over rows agree
        Assert.True(double.IsFinite(first));
        double perExample = 0;
        for (int i = 0; i < data.Count; i++)
        {
            Batcher.Fill(data, [i], Batcher.EncodingFor(data, loss, 3), x, t, 3);
            perExample += net.Evaluate(x, t) / data.Count;
        }
        Assert.Equal(perExample, whole, 10);
    }

    [Fact]
    public void DivergingTraining_StopsWithAClearError()
    {
        var data = Synthetic.Blobs(200, 3, 1);
        var spec = NetworkSpec.Mlp([2, 16, 3], "relu", "sse", seed: 1);
        var e = Assert.Throws<BackpropException>(() => Train(data, spec, new Sgd<float>(1e6), batch: 16, epochs: 5));
        Assert.Contains("diverged", e.Message);
    }

    [Fact]
    public void FashionMnistSubset_BeatsEightyPercentOnTheTestSet()
    {
        Assert.True(FashionMnist.IsInstalled(), "Fashion-MNIST is missing: .ci/run installs the Debian package dataset-fashion-mnist");
        var (train, test) = FashionMnist.Load();
        var trainer = Train(train.Take(20_000), NetworkSpec.Mlp([784, 128, 10], "relu", "cross_entropy", seed: 1), new Sgd<float>(0.1), batch: 64, epochs: 3);
        double accuracy = trainer.Evaluate(test).Accuracy;
        Assert.True(accuracy > 0.80, $"test accuracy {accuracy:P2}");
    }
}

/// <summary>Optimizer steps split over threads. It sets the global Gemm.Threads, so it runs alone.</summary>
[Collection(nameof(Backprop.Tests.Training.RunsAlone))]
public class TrainingThreadTests
{
    [Fact]
    public void Sgd_OnALongParameterSplitOverThreads_MatchesTheFormulaElementByElement()
    {
        // Long enough for the update to be split over the worker threads (see ParallelMultiplyAdd).
        const int n = 300_001;
        var rng = new Random(2);
        var p = new Backprop.Layers.Parameter<float>("W", new Backprop.Tensors.Matrix<float>(1, n));
        foreach (ref var v in p.Value.Span) v = (float)rng.NextDouble();
        float[] w0 = p.Value.Span.ToArray(), v1 = new float[n];
        var sgd = new Sgd<float>(0.1, momentum: 0.9, weightDecay: 0.01);
        int saved = Backprop.Tensors.Gemm.Threads;
        try
        {
            Backprop.Tensors.Gemm.Threads = 2;
            for (int step = 0; step < 2; step++)
            {
                for (int i = 0; i < n; i++) p.Gradient.Span[i] = MathF.Sin(i + step);
                long before = Backprop.Tensors.WorkerPool.ParallelJobsOnThisThread;
                sgd.Step([p]);
                Assert.True(Backprop.Tensors.WorkerPool.ParallelJobsOnThisThread > before, $"step {step + 1} was not split over the threads");
                for (int i = 0; i < n; i++)
                {
                    float g = MathF.Sin(i + step) + 0.01f * w0[i];
                    v1[i] = step == 0 ? g : 0.9f * v1[i] + g;
                    w0[i] -= 0.1f * v1[i];
                }
            }
        }
        finally
        {
            Backprop.Tensors.Gemm.Threads = saved;
        }
        for (int i = 0; i < n; i++) Assert.True(MathF.Abs(w0[i] - p.Value.Span[i]) <= 1e-6f, $"w[{i}] = {p.Value.Span[i]}, expected {w0[i]}");
    }
}
