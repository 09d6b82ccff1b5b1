using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Tensors;

/// <summary>
/// Packing copies a block of B into the order the micro-kernel reads it: panels of NR columns, each
/// kc rows of NR contiguous values, zero-padded at the right edge. The kernel then streams it with
/// aligned vector loads from L1, whatever B's layout (row-major W, or Wᵀ seen through strides).
/// A is not packed (the kernel reads it through its strides) except for the last, short row panel.
/// </summary>
internal static unsafe class GemmPacking<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Packs B[p0..p0+kc, j0..j0+nc] into panels of <paramref name="nr"/> columns.</summary>
    public static void PackB(in GemmProblem<T> p, int p0, int kc, int j0, int nc, int nr, T* dst)
    {
        for (int jr = 0; jr < nc; jr += nr, dst += kc * nr)
        {
            int cols = Math.Min(nr, nc - jr);
            T* src = p.B + p0 * p.BRowStride + (j0 + jr) * p.BColStride;
            if (p.BColStride == 1)
            {
                // Row-major B: each step of k is one contiguous run of columns.
                for (int k = 0; k < kc; k++)
                {
                    new ReadOnlySpan<T>(src + k * p.BRowStride, cols).CopyTo(new Span<T>(dst + k * nr, cols));
                    if (cols < nr) new Span<T>(dst + k * nr + cols, nr - cols).Clear();
                }
            }
            else
            {
                // Transposed B (Wᵀ): each column is a contiguous run of k; scatter it with stride nr.
                for (int j = 0; j < cols; j++)
                {
                    T* column = src + j * p.BColStride;
                    for (int k = 0; k < kc; k++) dst[k * nr + j] = column[k * p.BRowStride];
                }
                for (int j = cols; j < nr; j++)
                    for (int k = 0; k < kc; k++) dst[k * nr + j] = T.Zero;
            }
        }
    }

    /// <summary>Copies a short panel of A (rows &lt; mr) into kc·mr values, zero rows below, as the kernel reads it.</summary>
    public static void PackShortA(in GemmProblem<T> p, int i0, int rows, int p0, int kc, int mr, T* dst)
    {
        for (int k = 0; k < kc; k++)
        {
            T* src = p.A + i0 * p.ARowStride + (p0 + k) * p.AColStride;
            for (int i = 0; i < rows; i++) dst[k * mr + i] = src[i * p.ARowStride];
            for (int i = rows; i < mr; i++) dst[k * mr + i] = T.Zero;
        }
    }
}

/// <summary>
/// Packing buffers, one set per thread (the pool's workers and any caller), 64-byte aligned native
/// memory so they never touch the managed heap. They grow to the largest block seen and are reused.
/// </summary>
internal static unsafe class GemmBuffers<T> where T : unmanaged
{
    [ThreadStatic] private static T* _b;
    [ThreadStatic] private static nint _bLength;
    [ThreadStatic] private static T* _a;
    [ThreadStatic] private static nint _aLength;

    public static T* B(nint length) => Ensure(ref _b, ref _bLength, length);

    public static T* A(nint length) => Ensure(ref _a, ref _aLength, length);

    private static T* Ensure(ref T* buffer, ref nint current, nint length)
    {
        if (current >= length) return buffer;
        NativeMemory.AlignedFree(buffer);
        buffer = (T*)NativeMemory.AlignedAlloc((nuint)(length * sizeof(T)), 64);
        current = length;
        return buffer;
    }
}
