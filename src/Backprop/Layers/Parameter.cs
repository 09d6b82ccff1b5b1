using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>A trainable matrix and the gradient of the loss with respect to it (same shape).</summary>
public sealed class Parameter<T>(string name, Matrix<T> value) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>"W" or "b".</summary>
    public string Name { get; } = name;
    /// <summary>The trainable values.</summary>
    public Matrix<T> Value { get; } = value;
    /// <summary>∂L/∂Value from the last backward pass, same shape as <see cref="Value"/>.</summary>
    public Matrix<T> Gradient { get; } = new(value.Rows, value.Cols);
}
