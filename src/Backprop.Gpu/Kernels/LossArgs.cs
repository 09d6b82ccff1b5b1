using System.Numerics;
using ILGPU;

namespace Backprop.Gpu.Kernels;

/// <summary>
/// The fused loss step of one batch: targets read straight from the uploaded data set through the epoch's
/// order, the loss of every row, ∂L/∂Y (times σ' of a last activation, giving Δ of the last dense layer),
/// the predicted classes, and the batch's loss sum and correct count reduced in the same launch.
/// </summary>
internal struct LossArgs<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const int Squared = 0, CrossEntropyIndex = 1, CrossEntropySoft = 2, BceWithLogits = 3;
    public const int ClassIndex = 0, OneHot = 1, Binary = 2, Values = 3;

    public int Kind, Encoding, Rows, Outputs, Offset, Batch, Classify;
    public ArrayView<int> Order, Labels;
    public ArrayView<T> TargetData;

    public ArrayView<T> Y, Z, Delta;      // Y = σ(Z) with a last activation, else Y = Z
    public int Activation;
    public T Slope;

    /// <summary>∂L/∂y = GradientScale · (the loss's own derivative); the batch's row sum = RowScale · Σ terms.</summary>
    public T GradientScale, RowScale, Threshold;

    public ArrayView<T> BatchLoss;
    public ArrayView<int> BatchCorrect;

    // With several groups: each group's sums, and how many groups have finished.
    public ArrayView<T> GroupLoss;
    public ArrayView<int> GroupCorrect, Arrivals;

    // A step recorded in a CUDA graph: step = StepBase[0] + StepInGraph gives Offset = step·BatchSize and Batch = step.
    public int DeviceStep, StepInGraph, BatchSize;
    public ArrayView<int> StepBase;
}
