using System.Numerics;
using Backprop.Layers;
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
    public void RefusesMismatchedShapesAndAliasedOutput()
    {
        var a = new Matrix<float>(2, 3);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, new Matrix<float>(2, 3), new Matrix<float>(0, 0)));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposeA(a, new Matrix<float>(3, 3), new Matrix<float>(0, 0)));
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposeB(a, new Matrix<float>(3, 2), new Matrix<float>(0, 0)));
        var square = new Matrix<float>(3, 3);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(square, new Matrix<float>(3, 3), square));
    }

    /// <summary>
    /// The WebAssembly kernel (SIMD128 has no fused multiply-add) rounds each product, then each sum, in the order of k:
    /// bit for bit the scalar loop c = c + a·b in T, within one block of k (256 floats).
    /// </summary>
    [Theory]
    [InlineData(8, 8, 1)]
    [InlineData(37, 70, 129)]
    [InlineData(64, 64, 256)]
    [InlineData(3, 5, 200)]
    public void WasmKernelRoundsTheProductThenTheSum(int m, int n, int k)
    {
        var rng = new Random(m + 31 * n + 977 * k);
        var a = Random<float>(rng, m, k);
        var b = Random<float>(rng, k, n);
        var c = new Matrix<float>(0, 0);
        Gemm.ForcedKernel = GemmKernelKind.Wasm;
        try { Gemm.Multiply(a, b, c); }
        finally { Gemm.ForcedKernel = null; }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float product = a[i, p] * b[p, j];
                    sum += product;
                }
                Assert.True(BitConverter.SingleToInt32Bits(sum) == BitConverter.SingleToInt32Bits(c[i, j]), $"C[{i},{j}] = {c[i, j]:R}, the rounded loop gives {sum:R}");
            }
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

    internal static Matrix<T> Random<T>(Random rng, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = new Matrix<T>(rows, cols);
        for (int i = 0; i < m.Length; i++) m.Span[i] = T.CreateChecked(rng.NextDouble() * 2 - 1);
        return m;
    }

    internal static Matrix<T> Transpose<T>(Matrix<T> m) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = new Matrix<T>(m.Cols, m.Rows);
        for (int i = 0; i < m.Rows; i++)
            for (int j = 0; j < m.Cols; j++) t[j, i] = m[i, j];
        return t;
    }

    internal static double[,] Naive<T>(Matrix<T> a, Matrix<T> b) where T : unmanaged, IFloatingPointIeee754<T>
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

    internal static void AssertClose<T>(double[,] expected, Matrix<T> actual, int k, double tolerance, string what) where T : unmanaged, IFloatingPointIeee754<T>
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

/// <summary>
/// The split over threads: every product (A·B, Aᵀ·B, A·Bᵀ, and the fused X·W + b with σ) split by rows and
/// by columns gives bit for bit the single-thread result, and the parallel path really ran. It changes the
/// global Gemm.Threads, so it runs alone: another test's product could otherwise hold the pool, which would
/// run this one serially (WorkerPool's counter would then catch it) or run with a thread count it did not set.
/// </summary>
[Collection(nameof(Backprop.Tests.Training.RunsAlone))]
public class GemmThreadTests
{
    // The driver splits C along its longer side (GemmDriver.Run: columns when N ≥ M), so m > n splits rows and
    // m < n splits columns. Every shape is far above the 2¹⁷ multiply-adds below which a product stays on one thread.
    public static readonly TheoryData<string, int, int, int> Cases = new()
    {
        { "A·B", 301, 203, 500 }, { "A·B", 150, 407, 300 },
        { "Aᵀ·B", 301, 203, 500 }, { "Aᵀ·B", 150, 407, 300 },
        { "A·Bᵀ", 301, 203, 500 }, { "A·Bᵀ", 150, 407, 300 },
        { "X·W+b", 301, 203, 500 }, { "X·W+b", 150, 407, 300 },
        { "X·W+b relu", 301, 203, 500 }, { "X·W+b relu", 150, 407, 300 },
        { "X·W+b leaky_relu", 301, 203, 500 }, { "X·W+b leaky_relu", 150, 407, 300 },
        // C one vector wide (narrow tiles, split by rows), and two rows (B streamed in strips, split by columns).
        { "A·B", 1000, 10, 300 }, { "X·W+b relu", 1000, 10, 300 }, { "A·B", 2, 700, 400 }, { "X·W+b relu", 2, 700, 400 },
    };

    [Theory, MemberData(nameof(Cases))]
    public void FloatResultsDoNotDependOnTheNumberOfThreads(string product, int m, int n, int k) => Check<float>(product, m, n, k, 2e-5);

    [Theory, MemberData(nameof(Cases))]
    public void DoubleResultsDoNotDependOnTheNumberOfThreads(string product, int m, int n, int k) => Check<double>(product, m, n, k, 1e-12);

    private static void Check<T>(string product, int m, int n, int k, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.True(m * n * (long)k > 4 * (1 << 17), "too small to be split");
        var rng = new Random(m + n + k);
        var a = GemmTests.Random<T>(rng, m, k);
        var b = GemmTests.Random<T>(rng, k, n);
        var bias = GemmTests.Random<T>(rng, 1, n);
        var at = GemmTests.Transpose(a);
        var bt = GemmTests.Transpose(b);
        Activation<T>? activation = product switch
        {
            "X·W+b relu" => new Relu<T>(),
            "X·W+b leaky_relu" => new LeakyRelu<T>(0.1),
            _ => null,
        };

        // The expected result in double: the product, plus the bias for the fused one (σ is checked against Z below).
        var expected = GemmTests.Naive(a, b);
        if (product.StartsWith("X·W+b", StringComparison.Ordinal))
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) expected[i, j] += double.CreateChecked(bias[0, j]);

        foreach (var kernel in GemmTests.Kernels<T>())
        {
            Matrix<T>? single = null, singleH = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var c = new Matrix<T>(0, 0);
                var h = new Matrix<T>(0, 0);
                int saved = Gemm.Threads;
                long before = WorkerPool.ParallelJobsOnThisThread;
                Gemm.Threads = threads;
                Gemm.ForcedKernel = kernel;
                try
                {
                    switch (product)
                    {
                        case "A·B": Gemm.Multiply(a, b, c); break;
                        case "Aᵀ·B": Gemm.MultiplyTransposeA(at, b, c); break;
                        case "A·Bᵀ": Gemm.MultiplyTransposeB(a, bt, c); break;
                        default:
                            if (activation is not null) h.Reshape(m, n);
                            Gemm.Multiply(a, b, c, new DenseEpilogue<T>(bias.Data, activation, activation is null ? null : h));
                            break;
                    }
                }
                finally
                {
                    Gemm.Threads = saved;
                    Gemm.ForcedKernel = null;
                }
                long parallelJobs = WorkerPool.ParallelJobsOnThisThread - before;
                Assert.True(parallelJobs == (threads > 1 ? 1 : 0), $"{kernel} {product} on {threads} threads: {parallelJobs} parallel jobs ran");
                if (single is null)
                {
                    GemmTests.AssertClose(expected, c, k, tolerance, $"{kernel} {product}");
                    if (activation is not null)
                    {
                        var sigma = new Matrix<T>(m, n);
                        activation.Forward(c.Clone()).Span.CopyTo(sigma.Span);
                        Assert.Equal(sigma.Span.ToArray(), h.Span.ToArray());
                    }
                    (single, singleH) = (c, h);
                    continue;
                }
                Assert.True(single.Span.SequenceEqual(c.Span), $"{kernel} {product}: {threads} threads differ from one");
                Assert.True(singleH!.Span.SequenceEqual(h.Span), $"{kernel} {product}: σ on {threads} threads differs from one");
            }
        }
    }
}
