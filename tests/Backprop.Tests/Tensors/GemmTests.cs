using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Tests.Tensors;

/// <summary>The three products against a plain triple loop in double, over shapes that hit every edge of the blocking.</summary>
public class GemmTests
{
    // m, n, k: single rows and columns, k = 1, odd sizes around the tile sizes (MR = 4/6/8, NR = 16/32),
    // k beyond one KC block (256 floats, 128 doubles), the MLP's shapes, and products large enough for threads.
    public static readonly TheoryData<int, int, int> Shapes = new()
    {
        { 1, 1, 1 }, { 1, 7, 1 }, { 7, 1, 1 }, { 1, 1, 9 }, { 2, 3, 2 }, { 1, 300, 1 }, { 300, 1, 1 },
        { 1, 257, 700 }, { 2, 100, 600 }, { 600, 1, 40 }, { 40, 600, 1 }, { 300, 300, 1 },
        { 5, 17, 33 }, { 9, 33, 17 }, { 13, 31, 129 }, { 17, 65, 257 }, { 31, 47, 300 },
        { 64, 64, 64 }, { 97, 129, 513 }, { 128, 10, 128 }, { 128, 256, 784 }, { 784, 256, 32 }, { 200, 3, 400 },
    };

    internal static IEnumerable<GemmKernelKind> Kernels<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        Enum.GetValues<GemmKernelKind>().Where(k => k >= GemmDriver<T>.Best);

    [Theory, MemberData(nameof(Shapes))]
    public void FloatProductsMatchTheTripleLoop(int m, int n, int k) => CheckAll<float>(m, n, k, 2e-5);

    [Theory, MemberData(nameof(Shapes))]
    public void DoubleProductsMatchTheTripleLoop(int m, int n, int k) => CheckAll<double>(m, n, k, 1e-12);

    [Fact]
    public void ResultsDoNotDependOnTheNumberOfThreads()
    {
        var rng = new Random(3);
        var a = Random<float>(rng, 300, 500);
        var b = Random<float>(rng, 500, 200);
        var one = new Matrix<float>(0, 0);
        var two = new Matrix<float>(0, 0);
        int saved = Gemm.Threads;
        try
        {
            Gemm.Threads = 1;
            Gemm.Multiply(a, b, one);
            Gemm.Threads = 2;
            Gemm.Multiply(a, b, two);
        }
        finally
        {
            Gemm.Threads = saved;
        }
        Assert.Equal(one.Span.ToArray(), two.Span.ToArray());
    }

    [Fact]
    public void RefusesMismatchedShapesAndAliasedOutput()
    {
        var a = new Matrix<float>(2, 3);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, new Matrix<float>(2, 3), new Matrix<float>(0, 0)));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposeA(a, new Matrix<float>(3, 3), new Matrix<float>(0, 0)));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposeB(a, new Matrix<float>(3, 2), new Matrix<float>(0, 0)));
        var square = new Matrix<float>(3, 3);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(square, new Matrix<float>(3, 3), square));
    }

    private static void CheckAll<T>(int m, int n, int k, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(m * 10007 + n * 101 + k);
        var a = Random<T>(rng, m, k);
        var b = Random<T>(rng, k, n);
        var at = Transpose(a);
        var bt = Transpose(b);
        var expected = Naive(a, b);
        foreach (var kernel in Kernels<T>())
        {
            Gemm.ForcedKernel = kernel;
            try
            {
                // A stale, larger output buffer must be overwritten, not added to.
                var c = new Matrix<T>(m + 3, n + 5);
                c.Span.Fill(T.CreateChecked(7));
                Gemm.Multiply(a, b, c);
                AssertClose(expected, c, k, tolerance, $"{kernel} A·B");
                c.Span.Fill(T.CreateChecked(7));
                Gemm.MultiplyTransposeA(at, b, c);
                AssertClose(expected, c, k, tolerance, $"{kernel} (Aᵀ)ᵀ·B");
                c.Span.Fill(T.CreateChecked(7));
                Gemm.MultiplyTransposeB(a, bt, c);
                AssertClose(expected, c, k, tolerance, $"{kernel} A·(Bᵀ)ᵀ");
            }
            finally
            {
                Gemm.ForcedKernel = null;
            }
        }
    }

    private static Matrix<T> Random<T>(Random rng, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = new Matrix<T>(rows, cols);
        for (int i = 0; i < m.Length; i++) m.Data[i] = T.CreateChecked(rng.NextDouble() * 2 - 1);
        return m;
    }

    private static Matrix<T> Transpose<T>(Matrix<T> m) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = new Matrix<T>(m.Cols, m.Rows);
        for (int i = 0; i < m.Rows; i++)
            for (int j = 0; j < m.Cols; j++) t[j, i] = m[i, j];
        return t;
    }

    private static double[,] Naive<T>(Matrix<T> a, Matrix<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = new double[a.Rows, b.Cols];
        for (int i = 0; i < a.Rows; i++)
            for (int j = 0; j < b.Cols; j++)
            {
                double sum = 0;
                for (int p = 0; p < a.Cols; p++) sum += double.CreateChecked(a[i, p]) * double.CreateChecked(b[p, j]);
                c[i, j] = sum;
            }
        return c;
    }

    private static void AssertClose<T>(double[,] expected, Matrix<T> actual, int k, double tolerance, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal((expected.GetLength(0), expected.GetLength(1)), (actual.Rows, actual.Cols));
        double bound = tolerance * Math.Max(1, k); // |a|, |b| ≤ 1: the error grows at most with k
        for (int i = 0; i < actual.Rows; i++)
            for (int j = 0; j < actual.Cols; j++)
            {
                double error = Math.Abs(double.CreateChecked(actual[i, j]) - expected[i, j]);
                Assert.True(error <= bound, $"{what} {actual.Shape}: C[{i},{j}] = {actual[i, j]}, expected {expected[i, j]}");
            }
    }
}
