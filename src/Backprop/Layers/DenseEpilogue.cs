using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// The forward epilogue of a dense layer, supplied to the product Z = X·W: adds the bias row to each finished
/// piece of Z and, when an activation follows that is exact on pieces of a row, writes H = σ(Z) beside it.
/// Z itself is kept, because the layers expose both Z and H; with no <c>h</c> (inference) σ is applied in place.
/// </summary>
internal readonly struct DenseEpilogue<T>(T[] bias, Activation<T>? activation, Matrix<T>? h) : IGemmEpilogue<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Apply(int row, int col, Span<T> z)
    {
        TensorPrimitives.Add(z, new ReadOnlySpan<T>(bias, col, z.Length), z);       // Z = X·W + b
        if (activation is null) return;
        activation.ApplyTo(z, h is null ? z : h.Data.AsSpan(row * h.Cols + col, z.Length)); // H = σ(Z)
    }
}
