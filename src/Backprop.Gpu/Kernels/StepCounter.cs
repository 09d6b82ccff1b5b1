using ILGPU;

namespace Backprop.Gpu.Kernels;

/// <summary>
/// The device's count of the epoch's steps done, read by the steps recorded in a CUDA graph (which cannot take
/// new arguments per replay): each replay of G steps ends by advancing it by G.
/// </summary>
internal static class StepCounter
{
    public static void Advance(ArrayView<int> stepBase, int by)
    {
        if (Grid.IdxX == 0 && Group.IdxX == 0) stepBase[0] += by;
    }
}
