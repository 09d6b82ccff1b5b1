using System.Numerics;
using System.Runtime.InteropServices;
using Backprop.Tensors;

namespace Backprop.Tests.Tensors;

/// <summary>
/// A product over one value of k (dW = xᵀ·δ at batch 1) runs as an outer product, row by row. Every element
/// must be the correctly rounded a·b, with +0 for a zero product (the blocked kernel sums from +0, so −0 never
/// comes out of it): the reference is the product in double, rounded once, plus 0. Compared bit for bit, on one
/// thread and split over two, for all three products.
/// </summary>
[Collection(nameof(Backprop.Tests.Training.RunsAlone))]
public class OuterProductTests
{
    [Theory]
    [InlineData(784, 256)]
    [InlineData(300, 37)]
    [InlineData(5, 1000)]
    public void FloatOuterProductsAreRoundedOnce(int m, int n) => Check<float>(m, n);

    [Theory]
    [InlineData(784, 256)]
    [InlineData(300, 37)]
    public void DoubleOuterProductsAreRoundedOnce(int m, int n) => Check<double>(m, n);

    private static void Check<T>(int m, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(m + n);
        // Signed values and exact zeros, so that products of −0 occur.
        T Draw() => rng.Next(4) == 0 ? T.Zero : T.CreateChecked(rng.NextDouble() * 2 - 1);
        var a = new Matrix<T>(m, 1);
        var b = new Matrix<T>(1, n);
        foreach (ref var v in a.Span) v = Draw();
        foreach (ref var v in b.Span) v = Draw();
        var expected = new Matrix<T>(m, n);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                expected[i, j] = T.CreateChecked(double.CreateChecked(a[i, 0]) * double.CreateChecked(b[0, j])) + T.Zero;

        var at = new Matrix<T>(1, m, a.ToArray());   // Aᵀ, 1×m
        var bt = new Matrix<T>(n, 1, b.ToArray());   // Bᵀ, n×1
        int saved = Gemm.Threads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Gemm.Threads = threads;
                var c = new Matrix<T>(0, 0);
                Gemm.Multiply(a, b, c);
                AssertBits(expected, c, $"A·B on {threads} threads");
                Gemm.MultiplyTransposeA(at, b, c);
                AssertBits(expected, c, $"Aᵀ·B on {threads} threads");
                Gemm.MultiplyTransposeB(a, bt, c);
                AssertBits(expected, c, $"A·Bᵀ on {threads} threads");
            }
        }
        finally
        {
            Gemm.Threads = saved;
        }
    }

    /// <summary>
    /// Products of one or two rows (the forward pass at batch 1) sum each column in order with a multiply, then
    /// an add, in whichever vector loop holds it (sixteen 512-bit vectors, four of <see cref="Vector{T}"/>, one, or
    /// a scalar): bit for bit the plain loop in T, on one thread and with the columns split over two.
    /// </summary>
    [Theory]
    [InlineData(1, 784, 300)]
    [InlineData(2, 1000, 257)]
    public void FewRowProductsAreThePlainLoop(int m, int n, int k)
    {
        var rng = new Random(n + k);
        var a = new Matrix<float>(m, k);
        var b = new Matrix<float>(k, n);
        foreach (ref var v in a.Span) v = (float)(rng.NextDouble() * 2 - 1);
        foreach (ref var v in b.Span) v = (float)(rng.NextDouble() * 2 - 1);
        var expected = new Matrix<float>(m, n);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++) sum += a[i, p] * b[p, j];
                expected[i, j] = sum;
            }
        int saved = Gemm.Threads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Gemm.Threads = threads;
                var c = new Matrix<float>(0, 0);
                Gemm.Multiply(a, b, c);
                AssertBits(expected, c, $"A·B on {threads} threads");
            }
        }
        finally
        {
            Gemm.Threads = saved;
        }
    }

    private static void AssertBits<T>(Matrix<T> expected, Matrix<T> actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = MemoryMarshal.AsBytes(expected.Span);
        var a = MemoryMarshal.AsBytes(actual.Span);
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        for (int i = 0; i < e.Length; i += size)
            Assert.True(e.Slice(i, size).SequenceEqual(a.Slice(i, size)), $"{what}: element {i / size} is {actual.Span[i / size]}, expected {expected.Span[i / size]}");
    }
}
