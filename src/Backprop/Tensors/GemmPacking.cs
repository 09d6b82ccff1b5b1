using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
            if (p.BColStride == 1 && cols == nr && Vector512.IsHardwareAccelerated && nr * sizeof(T) % 64 == 0)
            {
                // A full panel of row-major B: each step of k is nr·sizeof(T) contiguous bytes, copied in 64-byte
                // vectors (a memmove call per 128 bytes cost more than the copy).
                int vectors = nr * sizeof(T) / 64;
                for (int k = 0; k < kc; k++)
                {
                    byte* from = (byte*)(src + k * p.BRowStride), to = (byte*)(dst + k * nr);
                    for (int v = 0; v < vectors; v++) Vector512.Store(Vector512.Load(from + 64 * v), to + 64 * v);
                }
            }
            else if (p.BColStride == 1)
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
                int j = 0;
                if (typeof(T) == typeof(float) && Avx.IsSupported && p.BRowStride == 1)
                    for (; j + 8 <= cols; j += 8) TransposeColumns((float*)(src + j * p.BColStride), p.BColStride, kc, (float*)(dst + j), nr);
                for (; j < cols; j++)
                {
                    T* column = src + j * p.BColStride;
                    for (int k = 0; k < kc; k++) dst[k * nr + j] = column[k * p.BRowStride];
                }
                for (j = cols; j < nr; j++)
                    for (int k = 0; k < kc; k++) dst[k * nr + j] = T.Zero;
            }
        }
    }

    /// <summary>
    /// Eight columns of a transposed B (eight rows of W, each kc contiguous values at stride ld) into the packed
    /// panel (dst[k·nr + j]), 8×8 blocks transposed in registers: one scalar gather per element cost as much as
    /// the product itself for Δ·Wᵀ at small batches.
    /// </summary>
    private static void TransposeColumns(float* src, nint ld, int kc, float* dst, int nr)
    {
        int k = 0;
        for (; k + 8 <= kc; k += 8)
        {
            var r0 = Avx.LoadVector256(src + k);
            var r1 = Avx.LoadVector256(src + ld + k);
            var r2 = Avx.LoadVector256(src + 2 * ld + k);
            var r3 = Avx.LoadVector256(src + 3 * ld + k);
            var r4 = Avx.LoadVector256(src + 4 * ld + k);
            var r5 = Avx.LoadVector256(src + 5 * ld + k);
            var r6 = Avx.LoadVector256(src + 6 * ld + k);
            var r7 = Avx.LoadVector256(src + 7 * ld + k);
            var t0 = Avx.UnpackLow(r0, r1);
            var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3);
            var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5);
            var t5 = Avx.UnpackHigh(r4, r5);
            var t6 = Avx.UnpackLow(r6, r7);
            var t7 = Avx.UnpackHigh(r6, r7);
            var u0 = Avx.Shuffle(t0, t2, 0x44);
            var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44);
            var u3 = Avx.Shuffle(t1, t3, 0xEE);
            var u4 = Avx.Shuffle(t4, t6, 0x44);
            var u5 = Avx.Shuffle(t4, t6, 0xEE);
            var u6 = Avx.Shuffle(t5, t7, 0x44);
            var u7 = Avx.Shuffle(t5, t7, 0xEE);
            float* d = dst + k * nr;
            Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(d + nr, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(d + 2 * nr, Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(d + 3 * nr, Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(d + 4 * nr, Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(d + 5 * nr, Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(d + 6 * nr, Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(d + 7 * nr, Avx.Permute2x128(u3, u7, 0x31));
        }
        for (; k < kc; k++)
            for (int j = 0; j < 8; j++) dst[k * nr + j] = src[j * ld + k];
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
