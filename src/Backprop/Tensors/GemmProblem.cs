using System.Numerics;

namespace Backprop.Tensors;

/// <summary>
/// One product C = A·B described through strides, so that the transposes of
/// backpropagation are views, never copies: A[i, p] lives at <c>A[i·ARowStride + p·AColStride]</c>,
/// B[p, j] at <c>B[p·BRowStride + j·BColStride]</c>, C[i, j] at <c>C[i·Ldc + j]</c>.
/// The pointers are pinned by the caller for the whole product.
/// </summary>
internal unsafe struct GemmProblem<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public int M, N, K;
    public T* A, B, C;
    public nint ARowStride, AColStride, BRowStride, BColStride, Ldc;

    /// <summary>Which micro-kernel runs this product (chosen once per product).</summary>
    public GemmKernelKind Kernel;

    /// <summary>
    /// When set, each finished tile of C gets this row added to every row (C[i, j] + Row[j]) in registers before it
    /// is stored (<see cref="GemmFinish{T}"/>): with <see cref="Clamp"/>, max(·, 0) as <c>T.Max</c> gives it; with
    /// <see cref="H"/> (laid out as C), C keeps the sum and H the clamped sum.
    /// </summary>
    public T* Row, H;

    /// <summary>See <see cref="Row"/>.</summary>
    public bool Clamp;

    /// <summary>
    /// When set, all of B already packed for <see cref="Kernel"/> (<see cref="GemmDriver{T}.PackAll"/>): the blocked
    /// product reads its panels from here instead of packing B itself.
    /// </summary>
    public T* PackedB;
}

/// <summary>The micro-kernels, fastest first; the driver takes the best the machine has.</summary>
internal enum GemmKernelKind
{
    Avx512,
    Avx2,
    Vector,

    /// <summary>WebAssembly SIMD128, which has no fused multiply-add: a multiply, then an add.</summary>
    Wasm,
}
