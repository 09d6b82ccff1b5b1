using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>
/// The AVX2/FMA micro-kernel of <see cref="GemmDriver{T}"/>: 6 rows × 2 ymm registers of columns (6×16 floats or 6×8 doubles).
/// It computes one MR×NR tile of C from a row panel of A (read in place through its strides, so a
/// transposed A costs nothing) and a packed panel of B (kc rows of NR contiguous values): MR·2
/// accumulator registers, two loads of B and MR broadcasts of A per step of k, 12 fused multiply-adds; it fits the 16 ymm registers.
/// </summary>
internal static unsafe class GemmKernelAvx2<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const int MR = 6;
    public static int NR => 2 * Vector256<T>.Count;

    /// <summary>C[0..MR, 0..NR] (=|+=) Σₚ A[i, p]·B[p, j], with A[i, p] at a[i·rowStride + p·colStride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, nint rowStride, nint colStride, T* b, T* c, nint ldc, bool accumulate)
    {
        int width = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        T* a0 = a + 0 * rowStride;
        T* a1 = a + 1 * rowStride;
        T* a2 = a + 2 * rowStride;
        T* a3 = a + 3 * rowStride;
        T* a4 = a + 4 * rowStride;
        T* a5 = a + 5 * rowStride;
        nint offset = 0;
        for (int p = 0; p < kc; p++, offset += colStride, b += 2 * width)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + width);
            Vector256<T> x;
            x = Vector256.Create(a0[offset]); c00 = Fma(x, b0, c00); c01 = Fma(x, b1, c01);
            x = Vector256.Create(a1[offset]); c10 = Fma(x, b0, c10); c11 = Fma(x, b1, c11);
            x = Vector256.Create(a2[offset]); c20 = Fma(x, b0, c20); c21 = Fma(x, b1, c21);
            x = Vector256.Create(a3[offset]); c30 = Fma(x, b0, c30); c31 = Fma(x, b1, c31);
            x = Vector256.Create(a4[offset]); c40 = Fma(x, b0, c40); c41 = Fma(x, b1, c41);
            x = Vector256.Create(a5[offset]); c50 = Fma(x, b0, c50); c51 = Fma(x, b1, c51);
        }
        Store(c00, c01, c + 0 * ldc, accumulate);
        Store(c10, c11, c + 1 * ldc, accumulate);
        Store(c20, c21, c + 2 * ldc, accumulate);
        Store(c30, c31, c + 3 * ldc, accumulate);
        Store(c40, c41, c + 4 * ldc, accumulate);
        Store(c50, c51, c + 5 * ldc, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<T> low, Vector256<T> high, T* c, bool accumulate)
    {
        int width = Vector256<T>.Count;
        if (accumulate)
        {
            low += Vector256.Load(c);
            high += Vector256.Load(c + width);
        }
        low.Store(c);
        high.Store(c + width);
    }

    // The JIT keeps only the branch for the T it compiles, so this is a single fused multiply-add instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
}
