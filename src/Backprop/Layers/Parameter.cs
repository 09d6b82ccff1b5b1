using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>A trainable matrix and the gradient of the loss with respect to it (same shape).</summary>
public sealed class Parameter<T>(string name, Matrix<T> value) where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Name { get; } = name;
    public Matrix<T> Value { get; } = value;
    public Matrix<T> Gradient { get; } = new(value.Rows, value.Cols);
}
