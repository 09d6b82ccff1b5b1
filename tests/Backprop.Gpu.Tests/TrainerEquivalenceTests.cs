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
    private static (Network<T> Cpu, Network<T> Gpu, List<EpochReport> CpuHistory, List<EpochReport> GpuHistory) Train<T>(
        NetworkSpec spec, Dataset data, string optimizer, double lr, int batch, int epochs, double momentum = 0, double decay = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var cpu = spec.Build<T>();
        var cpuTrainer = new Trainer<T>(cpu, Optimizer<T>.Create(optimizer, lr, momentum, decay), batch, seed: 3);
        var cpuHistory = Enumerable.Range(0, epochs).Select(_ => cpuTrainer.TrainEpoch(data)).ToList();

        var gpu = spec.Build<T>();
        using var device = GpuDevice.CpuAccelerator();
        using var gpuTrainer = new GpuTrainer<T>(gpu, Optimizer<T>.Create(optimizer, lr, momentum, decay), batch, seed: 3, device);
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
    [InlineData("relu")]
    public void Activations_match_the_cpu_engine_in_double(string activation)
    {
        var spec = NetworkSpec.Mlp([5, 9, 4], activation, "cross_entropy", seed: 2);
        var r = Train<double>(spec, Problems.Classification(23, 5, 4), "sgd", 0.3, batch: 8, epochs: 2);
        Assert.NotEqual(spec.Build<double>().Parameters.First().Value[0, 0], r.Gpu.Parameters.First().Value[0, 0]); // it trained
        AssertSame(r.Cpu, r.Gpu, r.CpuHistory, r.GpuHistory, 1e-10);
    }
}
