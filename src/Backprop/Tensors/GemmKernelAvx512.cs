using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>
/// The AVX-512 micro-kernel of <see cref="GemmDriver{T}"/>: 8 rows × 2 zmm registers of columns (8×32 floats or 8×16 doubles).
/// It computes one MR×NR tile of C from a row panel of A (read in place through its strides, so a
/// transposed A costs nothing) and a packed panel of B (kc rows of NR contiguous values): MR·2
/// accumulator registers, two loads of B and MR broadcasts of A per step of k, 16 fused multiply-adds; 32 zmm registers hold it all without spilling.
/// </summary>
internal static unsafe class GemmKernelAvx512<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const int MR = 8;
    public static int NR => 2 * Vector512<T>.Count;

    /// <summary>C[0..MR, 0..NR] (=|+=) Σₚ A[i, p]·B[p, j], with A[i, p] at a[i·rowStride + p·colStride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, nint rowStride, nint colStride, T* b, T* c, nint ldc, bool accumulate)
    {
        int width = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        T* a0 = a + 0 * rowStride;
        T* a1 = a + 1 * rowStride;
        T* a2 = a + 2 * rowStride;
        T* a3 = a + 3 * rowStride;
        T* a4 = a + 4 * rowStride;
        T* a5 = a + 5 * rowStride;
        T* a6 = a + 6 * rowStride;
        T* a7 = a + 7 * rowStride;
        nint offset = 0;
        for (int p = 0; p < kc; p++, offset += colStride, b += 2 * width)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + width);
            Vector512<T> x;
            x = Vector512.Create(a0[offset]); c00 = Fma(x, b0, c00); c01 = Fma(x, b1, c01);
            x = Vector512.Create(a1[offset]); c10 = Fma(x, b0, c10); c11 = Fma(x, b1, c11);
            x = Vector512.Create(a2[offset]); c20 = Fma(x, b0, c20); c21 = Fma(x, b1, c21);
            x = Vector512.Create(a3[offset]); c30 = Fma(x, b0, c30); c31 = Fma(x, b1, c31);
            x = Vector512.Create(a4[offset]); c40 = Fma(x, b0, c40); c41 = Fma(x, b1, c41);
            x = Vector512.Create(a5[offset]); c50 = Fma(x, b0, c50); c51 = Fma(x, b1, c51);
            x = Vector512.Create(a6[offset]); c60 = Fma(x, b0, c60); c61 = Fma(x, b1, c61);
            x = Vector512.Create(a7[offset]); c70 = Fma(x, b0, c70); c71 = Fma(x, b1, c71);
        }
        Store(c00, c01, c + 0 * ldc, accumulate);
        Store(c10, c11, c + 1 * ldc, accumulate);
        Store(c20, c21, c + 2 * ldc, accumulate);
        Store(c30, c31, c + 3 * ldc, accumulate);
        Store(c40, c41, c + 4 * ldc, accumulate);
        Store(c50, c51, c + 5 * ldc, accumulate);
        Store(c60, c61, c + 6 * ldc, accumulate);
        Store(c70, c71, c + 7 * ldc, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<T> low, Vector512<T> high, T* c, bool accumulate)
    {
        int width = Vector512<T>.Count;
        if (accumulate)
        {
            low += Vector512.Load(c);
            high += Vector512.Load(c + width);
        }
        low.Store(c);
        high.Store(c + width);
    }

    // The JIT keeps only the branch for the T it compiles, so this is a single fused multiply-add instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>()
            : Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
}
