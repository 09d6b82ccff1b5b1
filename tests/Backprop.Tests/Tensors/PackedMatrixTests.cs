using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Tests.Tensors;

/// <summary>
/// A B packed ahead gives the product of B itself, bit for bit, on every kernel, one or two threads, with and
/// without the clamp: full and edge tiles, narrow tiles (10 columns), several slices of k, C split by rows and by
/// columns, and the small products (which read B, not the panels). The blocked product reads the panels: B changed
/// after packing does not change its result.
/// </summary>
public class PackedMatrixTests
{
    public static readonly TheoryData<int, int, int> Shapes = new()
    {
        { 1, 256, 784 }, { 2, 300, 40 }, { 9, 33, 17 }, { 40, 700, 300 }, { 150, 407, 600 }, { 1000, 10, 300 }, { 1024, 256, 784 },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void FloatPackedIsTheProductOfB(int m, int n, int k) => Check<float>(m, n, k);

    [Theory, MemberData(nameof(Shapes))]
    public void DoublePackedIsTheProductOfB(int m, int n, int k) => Check<double>(m, n, k);

    private static void Check<T>(int m, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(m * 31 + n * 7 + k);
        var a = GemmTests.Random<T>(rng, m, k);
        var b = GemmTests.Random<T>(rng, k, n);
        var row = GemmTests.Random<T>(rng, 1, n).ToArray();
        int saved = Gemm.Threads;
        try
        {
            foreach (var kernel in GemmTests.Kernels<T>())
            {
                Gemm.ForcedKernel = kernel;
                var packed = PackedMatrix<T>.Pack(b.Clone())!;
                Assert.Equal(kernel, packed.Kernel);
                foreach (int threads in new[] { 1, 2 })
                    foreach (bool clamp in new[] { false, true })
                    {
                        Gemm.Threads = threads;
                        var expected = new Matrix<T>(0, 0);
                        Gemm.MultiplyAddRow(a, b, expected, row, clamp);
                        var c = new Matrix<T>(0, 0);
                        Gemm.MultiplyAddRow(a, packed, c, row, clamp);
                        Assert.Equal(expected.ToArray(), c.ToArray());
                    }
            }
        }
        finally
        {
            Gemm.Threads = saved;
            Gemm.ForcedKernel = null;
        }
    }

    [Fact]
    public void TheBlockedProduct_ReadsThePanels_NotB()
    {
        var rng = new Random(3);
        var a = GemmTests.Random<float>(rng, 300, 784);
        var b = GemmTests.Random<float>(rng, 784, 256);
        var row = new float[256];
        var expected = new Matrix<float>(0, 0);
        Gemm.MultiplyAddRow(a, b, expected, row, clamp: false);
        var copy = b.Clone();
        var packed = PackedMatrix<float>.Pack(copy)!;
        copy.Clear(); // a frozen network never does this; here it shows which copy the product reads
        var c = new Matrix<float>(0, 0);
        Gemm.MultiplyAddRow(a, packed, c, row, clamp: false);
        Assert.Equal(expected.ToArray(), c.ToArray());
    }

    [Fact]
    public void BTooWideForOneSliceOfColumns_IsNotPacked()
    {
        Assert.Null(PackedMatrix<float>.Pack(new Matrix<float>(3, 5000)));
        Assert.NotNull(PackedMatrix<float>.Pack(new Matrix<float>(3, 2048)));
    }
}
