using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// One stage of a feed-forward network. Forward maps a batch (one example per row) to a batch;
/// Backward receives ∂L/∂output for that batch and returns ∂L/∂input, filling its parameters'
/// gradients on the way. A layer keeps what it saw and produced, so a trace (and the diagrams)
/// can read the very numbers that training used.
/// </summary>
/// <remarks>
/// Forward and Backward write the layer's buffers, so one thread at a time may run them; the matrices they
/// return and keep stay valid until the next call. <see cref="Model.Network{T}.Predict(Matrix{T})"/> reads
/// only the parameters and may run on many threads at once.
/// </remarks>
public abstract class Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The name in the network format: "dense", "sigmoid", "relu", …</summary>
    public abstract string Type { get; }

    /// <summary>The batch the last Forward received.</summary>
    public Matrix<T>? Input { get; protected set; }

    /// <summary>The batch the last Forward produced.</summary>
    public Matrix<T>? Output { get; protected set; }

    /// <summary>∂L/∂Output as the last Backward received it.</summary>
    public Matrix<T>? OutputGradient { get; protected set; }

    /// <summary>∂L/∂Input as the last Backward computed it (null when it was not asked for).</summary>
    public Matrix<T>? InputGradient { get; protected set; }

    /// <summary>The trainable matrices of this layer (none for an activation).</summary>
    public virtual IReadOnlyList<Parameter<T>> Parameters => [];

    /// <summary>
    /// Maps a batch to this layer's output and keeps both (<see cref="Input"/>, <see cref="Output"/>).
    /// The result is the layer's own buffer, overwritten by the next call.
    /// </summary>
    /// <param name="input">One example per row.</param>
    public abstract Matrix<T> Forward(Matrix<T> input);

    /// <summary>Forward into a new matrix, keeping nothing: only reads the parameters, so threads may share the layer.</summary>
    internal abstract Matrix<T> Infer(Matrix<T> input);

    /// <summary>
    /// Turns ∂L/∂Output into ∂L/∂Input for the batch of the last <see cref="Forward"/>, filling the
    /// parameters' gradients. The result is the layer's own buffer, overwritten by the next call.
    /// </summary>
    /// <param name="outputGradient">∂L/∂Output, same shape as Output.</param>
    /// <param name="needInputGradient">false for the first layer in training, where nobody reads ∂L/∂X.</param>
    public abstract Matrix<T>? Backward(Matrix<T> outputGradient, bool needInputGradient = true);

    /// <inheritdoc/>
    public override string ToString() => Type;
}
