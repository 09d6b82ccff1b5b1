using System.Numerics;

namespace Backprop.Tensors;

/// <summary>
/// One product C = A·B (+ bias, then H = σ(C)) described through strides, so that the transposes of
/// backpropagation are views, never copies: A[i, p] lives at <c>A[i·ARowStride + p·AColStride]</c>,
/// B[p, j] at <c>B[p·BRowStride + j·BColStride]</c>, C[i, j] at <c>C[i·Ldc + j]</c>.
/// The pointers are pinned by the caller for the whole product.
/// </summary>
internal unsafe struct GemmProblem<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public int M, N, K;
    public T* A, B, C;
    public nint ARowStride, AColStride, BRowStride, BColStride, Ldc;

    /// <summary>The epilogue, run on each block of C once it is complete, while it is still in cache.</summary>
    public GemmEpilogue<T> Epilogue;

    /// <summary>Which micro-kernel runs this product (chosen once per product).</summary>
    public GemmKernelKind Kernel;
}

/// <summary>
/// What happens to a finished block of Z = X·W inside the product: add the bias row, then (optionally)
/// write H = σ(Z) beside it. Z itself is kept, because the layers expose both Z and H.
/// </summary>
internal unsafe struct GemmEpilogue<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T* Bias;
    public Layers.Activation<T>? Activation;
    public T* H;
    public nint Ldh;

    public readonly bool IsEmpty => Bias is null && Activation is null;

    /// <summary>Applies the epilogue to rows [i0, i0+rows) and columns [j0, j0+cols) of C.</summary>
    public readonly void Apply(T* c, nint ldc, int i0, int rows, int j0, int cols)
    {
        for (int i = i0; i < i0 + rows; i++)
        {
            var z = new Span<T>(c + i * ldc + j0, cols);
            if (Bias is not null) System.Numerics.Tensors.TensorPrimitives.Add(z, new ReadOnlySpan<T>(Bias + j0, cols), z);
            Activation?.ApplyTo(z, new Span<T>(H + i * Ldh + j0, cols));
        }
    }
}

/// <summary>The micro-kernels, fastest first; the driver takes the best the machine has.</summary>
internal enum GemmKernelKind
{
    Avx512,
    Avx2,
    Vector,
}
