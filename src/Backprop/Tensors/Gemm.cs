using System.Numerics;

namespace Backprop.Tensors;

/// <summary>
/// The three matrix products backpropagation needs, without materializing a transpose:
/// <list type="bullet">
/// <item>forward  Z  = X·W       (<see cref="Multiply{T}(Matrix{T}, Matrix{T}, Matrix{T})"/>)</item>
/// <item>backward dW = Xᵀ·Δ      (<see cref="MultiplyTransposeA{T}(Matrix{T}, Matrix{T}, Matrix{T})"/>)</item>
/// <item>backward dX = Δ·Wᵀ      (<see cref="MultiplyTransposeB"/>)</item>
/// </list>
/// This is the one seam through which all matrix products go. A transpose is only a change of strides
/// (<see cref="GemmProblem{T}"/>); the work is done by a packed, cache-blocked, multi-threaded product
/// with SIMD micro-kernels (<see cref="GemmDriver{T}"/>), or by <see cref="GemmSmall{T}"/> for tiny and
/// one-row products. Each method shapes <c>c</c> itself and overwrites it. See docs/performance.md.
/// </summary>
public static class Gemm
{
    /// <summary>How many threads a product may use (the CLI's --threads).</summary>
    public static int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>For tests: run this thread's products on a given micro-kernel instead of the best one.</summary>
    [ThreadStatic] internal static GemmKernelKind? ForcedKernel;

    /// <summary>C = A·B, with A m×k and B k×n.</summary>
    public static void Multiply<T>(Matrix<T> a, Matrix<T> b, Matrix<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Cols != b.Rows) throw new ArgumentException($"cannot multiply {a.Shape} by {b.Shape}");
        Run(a, a.Cols, 1, b, b.Cols, 1, c, a.Rows, b.Cols, a.Cols, default(NoEpilogue<T>));
    }

    /// <summary>C = Aᵀ·B, with A k×m and B k×n.</summary>
    public static void MultiplyTransposeA<T>(Matrix<T> a, Matrix<T> b, Matrix<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Rows != b.Rows) throw new ArgumentException($"cannot multiply ({a.Shape})ᵀ by {b.Shape}");
        Run(a, 1, a.Cols, b, b.Cols, 1, c, a.Cols, b.Cols, a.Rows, default(NoEpilogue<T>));
    }

    /// <summary>C = A·Bᵀ, with A m×k and B n×k.</summary>
    public static void MultiplyTransposeB<T>(Matrix<T> a, Matrix<T> b, Matrix<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Cols != b.Cols) throw new ArgumentException($"cannot multiply {a.Shape} by ({b.Shape})ᵀ");
        Run(a, a.Cols, 1, b, 1, b.Cols, c, a.Rows, b.Rows, a.Cols, default(NoEpilogue<T>));
    }

    /// <summary>
    /// C = A·B, then <paramref name="epilogue"/> on each finished block of C while it is in cache (the forward
    /// pass of a dense layer adds its bias and applies σ there: see Layers' DenseEpilogue).
    /// </summary>
    internal static void Multiply<T, TEpilogue>(Matrix<T> a, Matrix<T> b, Matrix<T> c, in TEpilogue epilogue)
        where T : unmanaged, IFloatingPointIeee754<T> where TEpilogue : struct, IGemmEpilogue<T>
    {
        if (a.Cols != b.Rows) throw new ArgumentException($"cannot multiply {a.Shape} by {b.Shape}");
        Run(a, a.Cols, 1, b, b.Cols, 1, c, a.Rows, b.Cols, a.Cols, epilogue);
    }

    /// <summary>
    /// C = Aᵀ·B, then <paramref name="epilogue"/> on each finished block of C while it is in cache (a plain SGD
    /// step updates W from dW = Xᵀ·Δ there: see Layers' DescentEpilogue).
    /// </summary>
    internal static void MultiplyTransposeA<T, TEpilogue>(Matrix<T> a, Matrix<T> b, Matrix<T> c, in TEpilogue epilogue)
        where T : unmanaged, IFloatingPointIeee754<T> where TEpilogue : struct, IGemmEpilogue<T>
    {
        if (a.Rows != b.Rows) throw new ArgumentException($"cannot multiply ({a.Shape})ᵀ by {b.Shape}");
        Run(a, 1, a.Cols, b, b.Cols, 1, c, a.Cols, b.Cols, a.Rows, epilogue);
    }

    /// <summary>
    /// C = Aᵀ·B for A and B of one row (an outer product: dW = xᵀ·δ at batch 1), and W = C·scale + W in the same
    /// pass: the numbers of <see cref="MultiplyTransposeA{T}(Matrix{T}, Matrix{T}, Matrix{T})"/> followed by
    /// TensorPrimitives.MultiplyAdd(C, scale, W, W).
    /// </summary>
    internal static void MultiplyTransposeAThenAxpy<T>(Matrix<T> a, Matrix<T> b, Matrix<T> c, T scale, Matrix<T> w) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Rows != 1 || b.Rows != 1) throw new ArgumentException($"an outer product needs two rows, not ({a.Shape})ᵀ·{b.Shape}");
        if (w.Rows != a.Cols || w.Cols != b.Cols) throw new ArgumentException($"cannot add ({a.Shape})ᵀ·{b.Shape} to {w.Shape}");
        if (ReferenceEquals(c, a) || ReferenceEquals(c, b) || ReferenceEquals(c, w)) throw new ArgumentException("the product cannot be written over an operand");
        GemmSmall<T>.OuterAxpy(a, b, c, scale, w);
    }

    /// <summary>
    /// C = A·B + r, the row <paramref name="row"/> added to every row of C, and with <paramref name="clamp"/> max(·, 0):
    /// into C, or into <paramref name="h"/> (shaped as C here) beside the unclamped C. Each tile is finished in
    /// registers (<see cref="GemmFinish{T}"/>); the numbers are those of Multiply, TensorPrimitives.Add and .Max.
    /// </summary>
    internal static void MultiplyAddRow<T>(Matrix<T> a, Matrix<T> b, Matrix<T> c, T[] row, bool clamp, Matrix<T>? h = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Cols != b.Rows) throw new ArgumentException($"cannot multiply {a.Shape} by {b.Shape}");
        if (row.Length < b.Cols) throw new ArgumentException($"a row of {row.Length} values cannot be added to {b.Cols} columns");
        if (ReferenceEquals(h, a) || ReferenceEquals(h, b)) throw new ArgumentException("the product cannot be written over an operand");
        h?.Reshape(a.Rows, b.Cols);
        Run(a, a.Cols, 1, b, b.Cols, 1, c, a.Rows, b.Cols, a.Cols, default(NoEpilogue<T>), row, clamp, h);
    }

    /// <summary>
    /// <see cref="MultiplyAddRow{T}(Matrix{T}, Matrix{T}, Matrix{T}, T[], bool, Matrix{T}?)"/> with B packed ahead
    /// (<see cref="PackedMatrix{T}.Pack"/>): the same numbers, without packing B on the way.
    /// </summary>
    internal static unsafe void MultiplyAddRow<T>(Matrix<T> a, PackedMatrix<T> b, Matrix<T> c, T[] row, bool clamp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var source = b.Source;
        if (a.Cols != source.Rows) throw new ArgumentException($"cannot multiply {a.Shape} by {source.Shape}");
        if (row.Length < source.Cols) throw new ArgumentException($"a row of {row.Length} values cannot be added to {source.Cols} columns");
        Run(a, a.Cols, 1, source, source.Cols, 1, c, a.Rows, source.Cols, a.Cols, default(NoEpilogue<T>), row, clamp, packed: b);
    }

    private static unsafe void Run<T, TEpilogue>(
        Matrix<T> a, nint aRow, nint aCol, Matrix<T> b, nint bRow, nint bCol, Matrix<T> c, int m, int n, int k, in TEpilogue epilogue,
        T[]? row = null, bool clamp = false, Matrix<T>? h = null, PackedMatrix<T>? packed = null)
        where T : unmanaged, IFloatingPointIeee754<T> where TEpilogue : struct, IGemmEpilogue<T>
    {
        if (ReferenceEquals(c, a) || ReferenceEquals(c, b)) throw new ArgumentException("the product cannot be written over an operand");
        c.Reshape(m, n);
        if (m == 0 || n == 0) return;
        fixed (T* pa = a.Data, pb = b.Data, pc = c.Data, pr = row, ph = h?.Data)
        {
            var problem = new GemmProblem<T>
            {
                M = m,
                N = n,
                K = k,
                A = pa,
                ARowStride = aRow,
                AColStride = aCol,
                B = pb,
                BRowStride = bRow,
                BColStride = bCol,
                C = pc,
                Ldc = n,
                Kernel = ForcedKernel ?? GemmDriver<T>.Best,
                Row = pr,
                H = ReferenceEquals(h, c) ? null : ph,
                Clamp = clamp,
            };
            // Panels laid out for another kernel (a test forcing one) cannot be read: B is packed as usual then.
            if (packed is not null && packed.Kernel == problem.Kernel) problem.PackedB = packed.Panels;
            if ((long)m * n * k <= GemmSmall<T>.TinyWork) GemmSmall<T>.Tiny(problem, epilogue);
            else if (GemmSmall<T>.CanDoOuter(problem)) GemmSmall<T>.Outer(problem, epilogue);
            else if (GemmSmall<T>.CanDoFewRows(problem)) GemmSmall<T>.Rows(problem, epilogue);
            else
            {
                GemmDriver<T>.Run(problem, epilogue, Math.Max(1, Threads));
                return;
            }
            GemmFinish<T>.Block(problem, 0, m, 0, n); // the small products finish C after it is complete
        }
    }
}
