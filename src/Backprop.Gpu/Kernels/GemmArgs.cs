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

    // A step recorded in a CUDA graph reads which step it is from the device: step = StepBase[0] + StepInGraph,
    // Offset = step·BatchSize, and the optimizer's per-step scalars are Rules[4·step ..] (see StepCounter).
    public int DeviceStep, StepInGraph, BatchSize;
    public ArrayView<int> StepBase;
    public ArrayView<T> Rules;

    /// <summary>This product, finding its step where <paramref name="place"/> says.</summary>
    public readonly GemmArgs<T> At(StepPlace<T> place) => this with
    {
        DeviceStep = place.DeviceStep,
        StepInGraph = place.InGraph,
        BatchSize = place.BatchSize,
        StepBase = place.StepBase,
        Rules = place.Rules,
    };
}

/// <summary>Where a launch finds its step: in its arguments (InGraph −1), or on the device (a step recorded in a graph).</summary>
internal readonly record struct StepPlace<T>(int InGraph, int BatchSize, ArrayView<int> StepBase, ArrayView<T> Rules)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public int DeviceStep => InGraph >= 0 ? 1 : 0;
}
