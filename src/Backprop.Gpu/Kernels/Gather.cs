using System.Numerics;
using ILGPU;

namespace Backprop.Gpu.Kernels;

/// <summary>X = the batch's rows of the uploaded features, in the epoch's order: one thread per element.</summary>
internal static class Gather
{
    public static void Kernel<T>(Index1D i, ArrayView<T> features, ArrayView<int> order, int offset, int width, ArrayView<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int r = i / width, c = i - r * width;
        x[i] = features[(long)order[offset + r] * width + c];
    }
}
