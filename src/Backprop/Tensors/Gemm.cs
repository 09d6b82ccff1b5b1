using System.Numerics;
using Backprop.Layers;

namespace Backprop.Tensors;

/// <summary>
/// The three matrix products backpropagation needs, without materializing a transpose:
/// <list type="bullet">
/// <item>forward  Z  = X·W       (<see cref="Multiply"/>)</item>
/// <item>backward dW = Xᵀ·Δ      (<see cref="MultiplyTransposeA"/>)</item>
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
        Run(a, a.Cols, 1, b, b.Cols, 1, c, a.Rows, b.Cols, a.Cols, default);
    }

    /// <summary>C = Aᵀ·B, with A k×m and B k×n.</summary>
    public static void MultiplyTransposeA<T>(Matrix<T> a, Matrix<T> b, Matrix<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Rows != b.Rows) throw new ArgumentException($"cannot multiply ({a.Shape})ᵀ by {b.Shape}");
        Run(a, 1, a.Cols, b, b.Cols, 1, c, a.Cols, b.Cols, a.Rows, default);
    }

    /// <summary>C = A·Bᵀ, with A m×k and B n×k.</summary>
    public static void MultiplyTransposeB<T>(Matrix<T> a, Matrix<T> b, Matrix<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Cols != b.Cols) throw new ArgumentException($"cannot multiply {a.Shape} by ({b.Shape})ᵀ");
        Run(a, a.Cols, 1, b, 1, b.Cols, c, a.Rows, b.Rows, a.Cols, default);
    }

    /// <summary>
    /// The forward pass of a dense layer and its activation in one product: Z = X·W + b, and, when
    /// <paramref name="activation"/> is given, H = σ(Z), both written while each block of Z is in cache.
    /// </summary>
    internal static unsafe void MultiplyAddBias<T>(Matrix<T> x, Matrix<T> w, Matrix<T> bias, Matrix<T> z, Activation<T>? activation, Matrix<T>? h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Cols != w.Rows || bias.Length != w.Cols) throw new ArgumentException($"cannot multiply {x.Shape} by {w.Shape} and add a {bias.Shape} bias");
        h?.Reshape(x.Rows, w.Cols);
        fixed (T* pBias = bias.Data)
        fixed (T* pH = h is null ? null : h.Data)
        {
            var epilogue = new GemmEpilogue<T> { Bias = pBias, Activation = activation, H = pH, Ldh = w.Cols };
            Run(x, x.Cols, 1, w, w.Cols, 1, z, x.Rows, w.Cols, x.Cols, epilogue);
        }
    }

    private static unsafe void Run<T>(
        Matrix<T> a, nint aRow, nint aCol, Matrix<T> b, nint bRow, nint bCol, Matrix<T> c, int m, int n, int k, GemmEpilogue<T> epilogue)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ReferenceEquals(c, a) || ReferenceEquals(c, b)) throw new ArgumentException("the product cannot be written over an operand");
        c.Reshape(m, n);
        if (m == 0 || n == 0) return;
        fixed (T* pa = a.Data, pb = b.Data, pc = c.Data)
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
                Epilogue = epilogue,
                Kernel = ForcedKernel ?? GemmDriver<T>.Best,
            };
            if ((long)m * n * k <= GemmSmall<T>.TinyWork) GemmSmall<T>.Tiny(problem);
            else if (GemmSmall<T>.CanDoFewRows(problem)) GemmSmall<T>.Rows(problem);
            else GemmDriver<T>.Run(problem, Math.Max(1, Threads));
        }
    }
}
