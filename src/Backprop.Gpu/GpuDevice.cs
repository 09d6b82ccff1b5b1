using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Backprop.Gpu;

/// <summary>
/// An ILGPU accelerator for the <see cref="GpuTrainer{T}"/>: the first CUDA device, or ILGPU's CPU
/// accelerator, which runs the very same kernels on host threads (slowly) so that they can be tested
/// on a machine without a GPU.
/// </summary>
public sealed class GpuDevice : IDisposable
{
    private readonly Context _context;

    private GpuDevice(Context context, Accelerator accelerator)
    {
        _context = context;
        Accelerator = accelerator;
    }

    internal Accelerator Accelerator { get; }

    /// <summary>The device's name, as the driver reports it.</summary>
    public string Name => Accelerator.Name;

    /// <summary>True for a CUDA device, false for the CPU accelerator.</summary>
    public bool IsCuda => Accelerator.AcceleratorType == AcceleratorType.Cuda;

    /// <summary>The first CUDA device, or null when there is none (no NVIDIA driver, or no device).</summary>
    public static GpuDevice? TryCuda() => TryCuda(profiling: false);

    /// <summary>The first CUDA device, with profiling markers enabled when <paramref name="profiling"/> (for the GPU benchmark).</summary>
    internal static GpuDevice? TryCuda(bool profiling)
    {
        Context? context = null;
        try
        {
            context = Context.Create(builder =>
            {
                builder.Cuda().EnableAlgorithms(); // Algorithms: exp, log, tanh for f64 on PTX
                if (profiling) builder.Profiling();
            });
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
            {
                context.Dispose();
                return null;
            }
            return new GpuDevice(context, devices[0].CreateAccelerator(context));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A missing or broken driver shows up as one of several exception types: all mean "no CUDA here".
            context?.Dispose();
            return null;
        }
    }

    /// <summary>
    /// ILGPU's CPU accelerator, shaped like a small GPU: warps of 4 threads, up to 256 threads per group
    /// (the kernels' group size), one multiprocessor.
    /// </summary>
    public static GpuDevice CpuAccelerator()
    {
        var context = Context.Create(builder => builder.CPU(new CPUDevice(4, 64, 1)).EnableAlgorithms());
        return new GpuDevice(context, context.CreateCPUAccelerator(0));
    }

    /// <summary>Releases the accelerator and its context (and every buffer still allocated on it).</summary>
    public void Dispose()
    {
        Accelerator.Dispose();
        _context.Dispose();
    }
}
