using System.Numerics;
using Backprop.Data;
using Backprop.Model;
using Backprop.Training;

namespace Backprop.Gpu.Tests;

/// <summary>
/// The GPU trainer, run on ILGPU's CPU accelerator, against the CPU engine: the same spec, data, loss,
/// optimizer and seed must give the same weights and the same history after a few epochs.
/// </summary>
public sealed class TrainerEquivalenceTests
{
    // One CPU accelerator for the class (its tests run one after another): the kernels compile once per precision.
    private static readonly GpuDevice Device = GpuDevice.CpuAccelerator();

    private static (Network<T> Cpu, Network<T> Gpu, List<EpochReport> CpuHistory, List<EpochReport> GpuHistory) Train<T>(
        NetworkSpec spec, Dataset data, string optimizer, double lr, int batch, int epochs, double momentum = 0, double decay = 0, int? targetBlocks = null, int graphSteps = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cpu = spec.Build<T>();
        var cpuTrainer = new Trainer<T>(cpu, Optimizer<T>.Create(optimizer, lr, momentum, decay), batch, seed: 3);
        var cpuHistory = Enumerable.Range(0, epochs).Select(_ => cpuTrainer.TrainEpoch(data)).ToList();

        var gpu = spec.Build<T>();
        using var gpuTrainer = new GpuTrainer<T>(gpu, Optimizer<T>.Create(optimizer, lr, momentum, decay), batch, seed: 3, Device);
        if (targetBlocks is { } target) gpuTrainer.TargetBlocks = target;
        gpuTrainer.GraphSteps = graphSteps;
        var gpuHistory = Enumerable.Range(0, epochs).Select(_ => gpuTrainer.TrainEpoch(data)).ToList();
        return (cpu, gpu, cpuHistory, gpuHistory);
    }

    /// <summary>Every weight within tolerance × the largest weight of its parameter; losses and accuracies likewise.</summary>
    private static void AssertSame<T>(Network<T> cpu, Network<T> gpu, List<EpochReport> cpuHistory, List<EpochReport> gpuHistory, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var expected = cpu.Parameters.ToList();
        var actual = gpu.Parameters.ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (int p = 0; p < expected.Count; p++)
        {
            var e = expected[p].Value.Span.ToArray().Select(double.CreateChecked).ToArray();
            var a = actual[p].Value.Span.ToArray().Select(double.CreateChecked).ToArray();
            double scale = Math.Max(e.Max(Math.Abs), 1e-6);
            for (int i = 0; i < e.Length; i++)
                Assert.True(Math.Abs(e[i] - a[i]) <= tolerance * scale, $"parameter {p} element {i}: CPU {e[i]:R}, GPU {a[i]:R}");
        }
        for (int i = 0; i < cpuHistory.Count; i++)
        {
            Assert.Equal(cpuHistory[i].TrainLoss, gpuHistory[i].TrainLoss, tolerance * Math.Max(1, Math.Abs(cpuHistory[i].TrainLoss)));
            Assert.Equal(cpuHistory[i].TrainAccuracy, gpuHistory[i].TrainAccuracy, 1e-12);
            Assert.Equal(cpuHistory[i].Samples, gpuHistory[i].Samples);
        }
    }

    [Theory]
    [InlineData("identity")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("relu")]
    [InlineData("leaky_relu")]
    public void Every_activation_matches_the_cpu_engine_in_double(string activation)
    {
        var spec = NetworkSpec.Mlp([5, 9, 6, 4], activation, "cross_entropy", seed: 2);
        var r = Train<double>(spec, Problems.Classification(23, 5, 4), "sgd", 0.3, batch: 8, epochs: 2);
        Assert.NotEqual(spec.Build<double>().Parameters.First().Value[0, 0], r.Gpu.Parameters.First().Value[0, 0]); // it trained
        AssertSame(r.Cpu, r.Gpu, r.CpuHistory, r.GpuHistory, 1e-10);
    }

    public static TheoryData<string, string> Losses => new()
    {
        { "sse", "values" },
        { "half_sse", "values" },
        { "mse", "values" },
        { "mse", "one-hot" },
        { "bce_with_logits", "values" },
        { "bce_with_logits", "binary" },
        { "cross_entropy", "class index" },
        { "cross_entropy", "probabilities" },
    };

    [Theory]
    [MemberData(nameof(Losses))]
    public void Every_loss_and_target_encoding_matches_the_cpu_engine_in_double(string loss, string targets)
    {
        var data = targets switch
        {
            "values" => Problems.Regression(21, 4, 3),
            "probabilities" => Problems.Regression(21, 4, 3, rowsSumToOne: true),
            "binary" => Problems.Classification(21, 4, 2),
            _ => Problems.Classification(21, 4, 3),
        };
        int outputs = targets == "binary" ? 1 : 3;
        var spec = NetworkSpec.Mlp([4, 6, outputs], "tanh", loss, seed: 5);
        var r = Train<double>(spec, data, "adam", 0.02, batch: 5, epochs: 2);
        AssertSame(r.Cpu, r.Gpu, r.CpuHistory, r.GpuHistory, 1e-10);
    }

    [Theory]
    [InlineData("sgd", 0.0, 0.0)]
    [InlineData("sgd", 0.0, 0.05)]
    [InlineData("momentum", 0.0, 0.0)]
    [InlineData("sgd", 0.5, 0.05)]
    [InlineData("adam", 0.0, 0.0)]
    [InlineData("adam", 0.0, 0.05)]
    public void Every_optimizer_matches_the_cpu_engine_in_double(string optimizer, double momentum, double decay)
    {
        var spec = NetworkSpec.Mlp([6, 8, 3], "relu", "cross_entropy", seed: 4);
        var r = Train<double>(spec, Problems.Classification(19, 6, 3), optimizer, 0.05, batch: 4, epochs: 3, momentum, decay);
        AssertSame(r.Cpu, r.Gpu, r.CpuHistory, r.GpuHistory, 1e-10);
    }

    [Theory]
    [InlineData(1, 3)]     // batch 1: every product has one row
    [InlineData(7, 16)]    // a partial last batch of 2
    [InlineData(100, 130)] // two row tiles per product, the second partial
    [InlineData(64, 23)]   // one batch, shorter than the batch size
    public void Odd_widths_and_batches_match_the_cpu_engine_in_double(int batch, int count)
    {
        // Widths 1, 7, 33 and 257: partial tiles in every dimension, and five row tiles of dW for the 257-wide layer.
        var spec = NetworkSpec.Mlp([7, 33, 1, 257, 3], "sigmoid", "cross_entropy", seed: 6);
        var r = Train<double>(spec, Problems.Classification(count, 7, 3), "momentum", 0.1, batch, epochs: 1);
        AssertSame(r.Cpu, r.Gpu, r.CpuHistory, r.GpuHistory, 1e-10);
    }

    [Theory]
    [InlineData(0, "sgd")]     // never split
    [InlineData(40, "sgd")]    // a few slices per product
    [InlineData(400, "adam")]  // as many slices as the depth allows: one depth step each
    [InlineData(400, "momentum")]
    public void Products_split_along_their_depth_match_the_cpu_engine_in_double(int targetBlocks, string optimizer)
    {
        // Depths 150 (X·W¹), 70 and 33, and batches of 40 and 10 (dW's depth): split-K in every kind of product,
        // with the bias's column sums split too, and a partial last batch with a different split.
        var spec = NetworkSpec.Mlp([150, 70, 33, 3], "relu", "cross_entropy", seed: 12);
        var r = Train<double>(spec, Problems.Classification(90, 150, 3), optimizer, 0.05, batch: 40, epochs: 2, targetBlocks: targetBlocks);
        AssertSame(r.Cpu, r.Gpu, r.CpuHistory, r.GpuHistory, 1e-10);
    }

    [Theory]
    [InlineData("sgd", 3)]
    [InlineData("momentum", 3)]
    [InlineData("adam", 4)]
    [InlineData("adam", 20)] // more than the epoch's full batches: every batch from the host
    public void Steps_that_read_their_step_on_the_device_match_the_cpu_engine_in_double(string optimizer, int graphSteps)
    {
        // 90 examples in batches of 8: 11 full batches (9 or 8 of them device-stepped, in runs of graphSteps, as a
        // CUDA graph replays them), the rest and the partial batch of 2 from the host; three epochs, so that the
        // step count, momentum's first step and Adam's bias corrections carry across epochs and graph runs.
        var spec = NetworkSpec.Mlp([6, 9, 4], "tanh", "cross_entropy", seed: 13);
        var r = Train<double>(spec, Problems.Classification(90, 6, 4), optimizer, 0.05, batch: 8, epochs: 3, graphSteps: graphSteps);
        AssertSame(r.Cpu, r.Gpu, r.CpuHistory, r.GpuHistory, 1e-10);
    }

    [Fact]
    public void A_batch_of_many_rows_sums_its_loss_over_several_groups_like_the_cpu_engine()
    {
        // Batches of 600 rows: three groups of 256 threads add their losses and correct counts in group order.
        var spec = NetworkSpec.Mlp([3, 5, 2], "relu", "cross_entropy", seed: 14);
        var r = Train<double>(spec, Problems.Classification(1300, 3, 2), "sgd", 0.1, batch: 600, epochs: 2);
        AssertSame(r.Cpu, r.Gpu, r.CpuHistory, r.GpuHistory, 1e-10);
    }

    [Theory]
    [InlineData(1, 1, 784, 264)]
    [InlineData(128, 256, 784, 528)]
    [InlineData(784, 256, 4096, 528)]
    [InlineData(4096, 256, 784, 528)]
    [InlineData(7, 3, 17, 1000)]
    [InlineData(64, 64, 16, 100)]
    public void A_split_covers_the_depth_once_within_the_block_budget(int m, int n, int k, int target)
    {
        var (splits, chunk) = Kernels.Gemm.Split(m, n, k, target);
        int tiles = Kernels.Gemm.Tiles(m, n);
        Assert.Equal(0, chunk % Kernels.Gemm.Depth);
        Assert.True((long)splits * chunk >= k && (long)(splits - 1) * chunk < k, $"{splits} × {chunk} for depth {k}");
        Assert.True(splits == 1 || tiles * splits < target + tiles, $"{tiles} tiles × {splits} splits for a target of {target}");
        if (tiles < target && k >= 2 * Kernels.Gemm.Depth) Assert.True(splits > 1, "a product with too few tiles is split");
    }

    [Theory]
    [InlineData("relu", "cross_entropy", "adam")]
    [InlineData("sigmoid", "mse", "momentum")]
    [InlineData("leaky_relu", "bce_with_logits", "sgd")]
    public void Single_precision_matches_the_cpu_engine_to_1e4(string activation, string loss, string optimizer)
    {
        var data = loss == "cross_entropy" ? Problems.Classification(45, 7, 3) : Problems.Regression(45, 7, 3);
        var spec = NetworkSpec.Mlp([7, 33, 16, 3], activation, loss, seed: 8);
        var r = Train<float>(spec, data, optimizer, 0.01, batch: 16, epochs: 2);
        AssertSame(r.Cpu, r.Gpu, r.CpuHistory, r.GpuHistory, 1e-4);
    }

    [Fact]
    public void An_activation_after_the_last_dense_layer_is_carried_into_the_loss_gradient()
    {
        var spec = new NetworkSpec(
            [new LayerSpec("dense") { Inputs = 4, Outputs = 5 }, new LayerSpec("tanh"), new LayerSpec("dense") { Inputs = 5, Outputs = 3 }, new LayerSpec("sigmoid")],
            "mse", Seed: 9);
        var r = Train<double>(spec, Problems.Regression(17, 4, 3), "sgd", 0.5, batch: 6, epochs: 2);
        AssertSame(r.Cpu, r.Gpu, r.CpuHistory, r.GpuHistory, 1e-10);
    }

    [Fact]
    public void A_trained_network_keeps_learning_across_epochs_and_reports_accuracy()
    {
        // Linearly separable by the first feature: the GPU trainer must actually fit it, not only agree.
        var rng = new Random(1);
        var x = new float[120 * 2];
        var labels = new int[120];
        for (int i = 0; i < 120; i++)
        {
            x[2 * i] = (float)(rng.NextDouble() * 2 - 1);
            x[2 * i + 1] = (float)(rng.NextDouble() * 2 - 1);
            labels[i] = x[2 * i] > 0 ? 1 : 0;
        }
        var data = new Dataset("halves", x, 2, labels, 2);
        using var trainer = new GpuTrainer<float>(NetworkSpec.Mlp([2, 8, 2], "tanh", "cross_entropy").Build<float>(), Optimizer<float>.Create("adam", 0.05), 30, 1, Device);
        var reports = Enumerable.Range(0, 8).Select(_ => trainer.TrainEpoch(data, data)).ToList();
        Assert.True(reports[^1].TrainLoss < reports[0].TrainLoss / 2, $"loss {reports[0].TrainLoss} → {reports[^1].TrainLoss}");
        Assert.True(reports[^1].Test!.Accuracy > 0.95, $"accuracy {reports[^1].Test!.Accuracy}");
    }

    [Fact]
    public void Layouts_the_fused_kernels_cannot_take_are_refused_with_a_message()
    {
        var spec = new NetworkSpec([new LayerSpec("relu"), new LayerSpec("dense") { Inputs = 2, Outputs = 2 }], "mse", Seed: 1);
        var e = Assert.Throws<BackpropException>(() => new GpuTrainer<double>(spec.Build<double>(), Optimizer<double>.Create("sgd", 0.1), 4, 1, Device));
        Assert.Contains("layer 0 (relu)", e.Message);
    }

    [Fact]
    public void Mixed_precision_is_refused_with_a_message()
    {
        var network = NetworkSpec.Mlp([2, 3, 2], "relu", "cross_entropy").Build<float>();
        var optimizer = MixedPrecision.Enable(network, Optimizer<float>.Create("sgd", 0.1), Backprop.Tensors.StorageFormat.BFloat16, null);
        var e = Assert.Throws<BackpropException>(() => new GpuTrainer<float>(network, optimizer, 4, 1, Device));
        Assert.Contains("mixed precision", e.Message);
    }
}
