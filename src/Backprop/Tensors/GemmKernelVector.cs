using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>
/// The portable micro-kernel of <see cref="GemmDriver{T}"/> on <see cref="Vector{T}"/>, for machines with neither AVX-512 nor AVX2 (Arm, old x64): 4 rows × 2 vectors of columns.
/// It computes one MR×NR tile of C from a row panel of A (read in place through its strides, so a
/// transposed A costs nothing) and a packed panel of B (kc rows of NR contiguous values): MR·2
/// accumulator registers, two loads of B and MR broadcasts of A per step of k, 8 multiply-adds (fused where the hardware can).
/// </summary>
internal static unsafe class GemmKernelVector<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const int MR = 4;
    public static int NR => 2 * Vector<T>.Count;

    /// <summary>C[0..MR, 0..NR] (=|+=) Σₚ A[i, p]·B[p, j], with A[i, p] at a[i·rowStride + p·colStride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, nint rowStride, nint colStride, T* b, T* c, nint ldc, bool accumulate)
    {
        int width = Vector<T>.Count;
        Vector<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        T* a0 = a + 0 * rowStride;
        T* a1 = a + 1 * rowStride;
        T* a2 = a + 2 * rowStride;
        T* a3 = a + 3 * rowStride;
        nint offset = 0;
        for (int p = 0; p < kc; p++, offset += colStride, b += 2 * width)
        {
            var b0 = Vector.Load(b);
            var b1 = Vector.Load(b + width);
            Vector<T> x;
            x = Vector.Create(a0[offset]); c00 = Fma(x, b0, c00); c01 = Fma(x, b1, c01);
            x = Vector.Create(a1[offset]); c10 = Fma(x, b0, c10); c11 = Fma(x, b1, c11);
            x = Vector.Create(a2[offset]); c20 = Fma(x, b0, c20); c21 = Fma(x, b1, c21);
            x = Vector.Create(a3[offset]); c30 = Fma(x, b0, c30); c31 = Fma(x, b1, c31);
        }
        Store(c00, c01, c + 0 * ldc, accumulate);
        Store(c10, c11, c + 1 * ldc, accumulate);
        Store(c20, c21, c + 2 * ldc, accumulate);
        Store(c30, c31, c + 3 * ldc, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<T> low, Vector<T> high, T* c, bool accumulate)
    {
        int width = Vector<T>.Count;
        if (accumulate)
        {
            low += Vector.Load(c);
            high += Vector.Load(c + width);
        }
        low.Store(c);
        high.Store(c + width);
    }

    // The JIT keeps only the branch for the T it compiles, so this is a single fused multiply-add instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Fma(Vector<T> a, Vector<T> b, Vector<T> c) =>
        typeof(T) == typeof(float)
            ? Vector.MultiplyAddEstimate(Vector.AsVectorSingle(a), Vector.AsVectorSingle(b), Vector.AsVectorSingle(c)).As<float, T>()
            : Vector.MultiplyAddEstimate(Vector.AsVectorDouble(a), Vector.AsVectorDouble(b), Vector.AsVectorDouble(c)).As<double, T>();
}
