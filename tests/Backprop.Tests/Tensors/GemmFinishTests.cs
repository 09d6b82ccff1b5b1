using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Backprop.Tensors;

namespace Backprop.Tests.Tensors;

/// <summary>
/// The product finished in registers (a row added, then max(·, 0)) holds, bit for bit, what the product followed by
/// TensorPrimitives.Add and TensorPrimitives.Max holds: on every kernel, one or two threads, full and edge tiles,
/// narrow tiles, the small products, in place or beside the unclamped sum, with NaN, ±0 and ±∞ in the row.
/// </summary>
public class GemmFinishTests
{
    public static readonly TheoryData<int, int, int> Shapes = new()
    {
        { 1, 7, 3 }, { 2, 300, 400 }, { 37, 10, 300 }, { 9, 33, 17 }, { 64, 64, 64 }, { 200, 203, 500 }, { 150, 407, 300 }, { 1000, 10, 300 },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void FloatFinishIsTheProductThenAddThenMax(int m, int n, int k) => Check<float>(m, n, k);

    [Theory, MemberData(nameof(Shapes))]
    public void DoubleFinishIsTheProductThenAddThenMax(int m, int n, int k) => Check<double>(m, n, k);

    private static void Check<T>(int m, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(m * 31 + n * 7 + k);
        var a = GemmTests.Random<T>(rng, m, k);
        var b = GemmTests.Random<T>(rng, k, n);
        var row = GemmTests.Random<T>(rng, 1, n).ToArray();
        T[] special = [T.NaN, T.NegativeZero, T.Zero, T.PositiveInfinity, T.NegativeInfinity];
        for (int j = 0; j < n; j += 3) row[j] = special[j / 3 % special.Length];
        int saved = Gemm.Threads;
        try
        {
            foreach (var kernel in GemmTests.Kernels<T>())
                foreach (int threads in new[] { 1, 2 })
                {
                    Gemm.ForcedKernel = kernel;
                    Gemm.Threads = threads;
                    var product = new Matrix<T>(m, n);
                    Gemm.Multiply(a, b, product);
                    var sum = new Matrix<T>(m, n);
                    var clamped = new Matrix<T>(m, n);
                    for (int i = 0; i < m; i++) TensorPrimitives.Add(product.Row(i), row, sum.Row(i));
                    TensorPrimitives.Max(sum.Span, T.Zero, clamped.Span);
                    string what = $"{kernel}, {threads} thread(s), {typeof(T).Name} {m}×{k}·{k}×{n}";

                    var c = new Matrix<T>(0, 0);
                    Gemm.MultiplyAddRow(a, b, c, row, clamp: false);
                    SameBits(sum, c, $"C + row, {what}");
                    Gemm.MultiplyAddRow(a, b, c, row, clamp: true);
                    SameBits(clamped, c, $"max(C + row, 0) in place, {what}");
                    var h = new Matrix<T>(0, 0);
                    c.Span.Fill(T.One);
                    Gemm.MultiplyAddRow(a, b, c, row, clamp: true, h);
                    SameBits(sum, c, $"C + row beside H, {what}");
                    SameBits(clamped, h, $"H = max(C + row, 0), {what}");
                }
        }
        finally
        {
            Gemm.Threads = saved;
            Gemm.ForcedKernel = null;
        }
    }

    private static void SameBits<T>(Matrix<T> expected, Matrix<T> actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal((expected.Rows, expected.Cols), (actual.Rows, actual.Cols));
        var e = MemoryMarshal.AsBytes(expected.Span).ToArray();
        var x = MemoryMarshal.AsBytes(actual.Span).ToArray();
        int first = Enumerable.Range(0, e.Length).FirstOrDefault(i => e[i] != x[i], -1);
        Assert.True(first < 0, $"{what}: differs at element {first / System.Runtime.CompilerServices.Unsafe.SizeOf<T>()}");
    }
}
