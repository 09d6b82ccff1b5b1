using System.Numerics;
using Backprop.Gpu;
using Backprop.Model;
using Backprop.Training;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>train --device</c>: cpu (the default), gpu (the first CUDA device, through ILGPU) or auto (the GPU when
/// there is one, else the CPU with a note on stderr). Holds the device and the GPU trainer while training runs.
/// </summary>
internal sealed class TrainDevice<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    public static readonly string[] Names = ["cpu", "gpu", "auto"];

    private readonly GpuDevice _device;

    private TrainDevice(GpuDevice device, GpuTrainer<T> trainer)
    {
        _device = device;
        Trainer = trainer;
    }

    public GpuTrainer<T> Trainer { get; }
    public string Name => _device.Name;

    /// <summary>The GPU trainer the choice asks for, or null to train on the CPU.</summary>
    public static TrainDevice<T>? Open(string choice, Network<T> network, Optimizer<T> optimizer, int batch, int seed, bool mixedPrecision)
    {
        if (Array.IndexOf(Names, choice) < 0) throw new BackpropException($"--device must be one of {string.Join(", ", Names)}, got '{choice}'");
        if (choice == "cpu") return null;
        if (mixedPrecision)
        {
            if (choice == "gpu") throw new BackpropException("--device gpu takes --precision f32 or f64; fp16 and bf16 run on the CPU");
            Console.Error.WriteLine("backprop: note: fp16/bf16 run on the CPU; training on the CPU");
            return null;
        }
        var device = GpuDevice.TryCuda();
        if (device is null)
        {
            if (choice == "gpu") throw new BackpropException("--device gpu: no CUDA device found (ILGPU needs an NVIDIA GPU and its driver); use --device cpu or auto");
            Console.Error.WriteLine("backprop: note: no CUDA device found; training on the CPU");
            return null;
        }
        try
        {
            return new TrainDevice<T>(device, new GpuTrainer<T>(network, optimizer, batch, seed, device));
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Trainer.Dispose();
        _device.Dispose();
    }
}
