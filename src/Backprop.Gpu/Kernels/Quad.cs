using System.Numerics;
using System.Runtime.CompilerServices;
using ILGPU;

namespace Backprop.Gpu.Kernels;

/// <summary>
/// Four values of one row of a thread's 4×4 block of C (columns c, c + 16, c + 32, c + 48): what the split-K
/// reduction loads and adds as a unit, so that it can keep many loads in flight (ILGPU does not unroll loops).
/// </summary>
internal struct Quad<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T X, Y, Z, W;

    /// <summary>The four values at e, e + 16, e + 32, e + 48 of <paramref name="p"/>, or zeros when not <paramref name="load"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Quad<T> Load(ArrayView<T> p, long e, bool load) =>
        load ? new Quad<T> { X = p[e], Y = p[e + Gemm.Side], Z = p[e + 2 * Gemm.Side], W = p[e + 3 * Gemm.Side] } : default;

    /// <summary>Element by element, this + <paramref name="other"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Quad<T> Plus(Quad<T> other) => new() { X = X + other.X, Y = Y + other.Y, Z = Z + other.Z, W = W + other.W };
}
