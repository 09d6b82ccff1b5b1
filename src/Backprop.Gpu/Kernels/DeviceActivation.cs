using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Gpu.Kernels;

/// <summary>
/// The activations as device code, chosen by a code passed to the kernels (a uniform branch costs
/// nothing next to a memory access). Same formulas as Backprop.Layers, so both engines hold the same numbers.
/// </summary>
internal static class DeviceActivation
{
    public const int None = -1, Identity = 0, Sigmoid = 1, Tanh = 2, Relu = 3, LeakyRelu = 4;

    public static int Code(string type) => type switch
    {
        "identity" => Identity,
        "sigmoid" => Sigmoid,
        "tanh" => Tanh,
        "relu" => Relu,
        "leaky_relu" => LeakyRelu,
        _ => throw new BackpropException($"the GPU trainer has no activation '{type}'"),
    };

    /// <summary>h = σ(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Apply<T>(int code, T z, T slope) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (code == Sigmoid) return T.One / (T.One + T.Exp(-z));
        if (code == Tanh) return T.Tanh(z);
        if (code == Relu) return z > T.Zero ? z : T.Zero;
        if (code == LeakyRelu) return z > T.Zero ? z : slope * z;
        return z;
    }

    /// <summary>σ'(z), from z or from h = σ(z), whichever the CPU layer uses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Derivative<T>(int code, T z, T h, T slope) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (code == Sigmoid) return h * (T.One - h);
        if (code == Tanh) return T.One - h * h;
        if (code == Relu) return z > T.Zero ? T.One : T.Zero;
        if (code == LeakyRelu) return z > T.Zero ? T.One : slope;
        return T.One;
    }
}
