using System.Numerics;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// Mixed-precision training as this library emulates it: the network computes in float32 (its weights are
/// the float32 master weights) but rounds every activation and every gradient to float16 or bfloat16 as
/// it stores them; a loss scaler wraps the optimizer step.
/// </summary>
public static class MixedPrecision
{
    /// <summary>
    /// Sets the network's storage format and wraps the optimizer in loss scaling. The default scale is
    /// dynamic for float16 (whose range is narrow) and none for bfloat16 (which has float32's range).
    /// </summary>
    public static LossScaledOptimizer<T> Enable<T>(Network<T> network, Optimizer<T> optimizer, StorageFormat format, string? lossScale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        network.Storage = format;
        return new LossScaledOptimizer<T>(optimizer, network, LossScaler.Parse(lossScale ?? DefaultLossScale(format)));
    }

    /// <summary>dynamic for float16, none for bfloat16.</summary>
    /// <param name="format">The storage format.</param>
    public static string DefaultLossScale(StorageFormat format) => format == StorageFormat.Float16 ? "dynamic" : "none";
}
