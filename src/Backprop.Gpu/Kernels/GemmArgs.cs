using System.Numerics;
using ILGPU;

namespace Backprop.Gpu.Kernels;

/// <summary>
/// One tiled product C = op(A)·op(B) (M×N, depth K) and what its epilogue does with C. The three products
/// of a layer are the same kernel with different operands and epilogues:
/// forward Z = X·W (+ b, H = σ(Z)); input gradient Δ₋₁ = (Δ·Wᵀ) ∘ σ'₋₁; weight gradient Xᵀ·Δ (+ colsum Δ), applied
/// at once by the optimizer.
/// </summary>
internal struct GemmArgs<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const int Forward = 0, InputGradient = 1, WeightUpdate = 2;

    public int Mode, M, N, K;
    public int TransposeA, TransposeB;   // A stored K×M (Xᵀ·Δ); B stored N×K (Δ·Wᵀ)
    public ArrayView<T> A, B;

    // Gather: A is the whole data set and its batch row r is data row Order[Offset + r] (the batch X is never copied).
    public int Gather, Offset;
    public ArrayView<int> Order;

    // Forward: Z = C + b, H = σ(Z) (H unused without an activation). InputGradient: Out = C ∘ σ'(PrevZ, PrevH).
    public ArrayView<T> Bias, Z, H, Out, PrevZ, PrevH;
    public int Activation;
    public T Slope;

    // WeightUpdate: C is dW; W and Bias (db = colsum B) are updated in place with their optimizer state.
    public ArrayView<T> W, W1, W2, Bias1, Bias2;
    public UpdateRule<T> Rule;

    // Split-K: Splits slices of the depth, Chunk deep each (1 and K: no split). Each slice parks its partial
    // 64×64 tile in Partial (and its part of colsum Δ in PartialBias); Arrivals counts a tile's finished slices.
    public int Splits, Chunk;
    public ArrayView<T> Partial, PartialBias;
    public ArrayView<int> Arrivals;
}
