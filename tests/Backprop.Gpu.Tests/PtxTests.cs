using Backprop.Gpu.Kernels;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Backprop.Gpu.Tests;

/// <summary>
/// The kernels through ILGPU's PTX backend for an H100 (sm_90), without a GPU: the CPU accelerator runs
/// .NET code, so only this catches a construct or a math function the CUDA backend cannot compile.
/// </summary>
public sealed class PtxTests
{
    private static string Compile(Type kernels, Type precision)
    {
        using var context = Context.Create(builder => builder.Cuda().EnableAlgorithms()); // as GpuDevice.TryCuda does
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null!); // no NVVM: ILGPU's own PTX generator
        var method = kernels.GetMethod("Kernel")!.MakeGenericMethod(precision);
        var entry = EntryPointDescription.FromExplicitlyGroupedKernel(method);
        var specialization = new KernelSpecialization();
        return ((PTXCompiledKernel)backend.Compile(entry, specialization)).PTXAssembly;
    }

    [Theory]
    [InlineData(typeof(float))]
    [InlineData(typeof(double))]
    public void The_product_and_loss_kernels_compile_to_ptx(Type precision)
    {
        foreach (var kernels in new[] { typeof(Kernels.Gemm), typeof(LossKernel) })
        {
            string ptx = Compile(kernels, precision);
            Assert.Contains(".visible .entry", ptx);
            Assert.Contains("bar.sync", ptx); // the shared-memory tiles and the reduction synchronize their group
        }
    }

    [Fact]
    public void The_single_precision_product_keeps_its_accumulators_in_registers()
    {
        string ptx = Compile(typeof(Kernels.Gemm), typeof(float));
        Assert.DoesNotContain("ld.local", ptx);
        Assert.DoesNotContain("st.local", ptx);
        Assert.Contains("ld.shared.f32", ptx);
    }
}
