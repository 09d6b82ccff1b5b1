using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Layers;

/// <summary>σ(z) = z. With it a network is linear, as in the second article.</summary>
public sealed class Identity<T> : Activation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Type => "identity";
    internal override bool IsExactOnPieces => true;
    /// <inheritdoc/>
    protected override void Apply(ReadOnlySpan<T> z, Span<T> h) => z.CopyTo(h);
    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<T> z, ReadOnlySpan<T> h, Span<T> d) => d.Fill(T.One);
}

/// <summary>σ(z) = 1 / (1 + e^(−z)); σ'(z) = σ(z)(1 − σ(z)), never more than 1/4.</summary>
public sealed class Sigmoid<T> : Activation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Type => "sigmoid";
    /// <inheritdoc/>
    protected override void Apply(ReadOnlySpan<T> z, Span<T> h) => Saturating.Sigmoid(z, h);

    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<T> z, ReadOnlySpan<T> h, Span<T> d) => Elementwise.TimesOneMinus(h, d);
}

/// <summary>σ(z) = tanh z; σ'(z) = 1 − tanh² z.</summary>
public sealed class Tanh<T> : Activation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Type => "tanh";
    /// <inheritdoc/>
    protected override void Apply(ReadOnlySpan<T> z, Span<T> h) => Saturating.Tanh(z, h);

    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<T> z, ReadOnlySpan<T> h, Span<T> d) => Elementwise.OneMinusSquare(h, d);
}

/// <summary>σ(z) = max(0, z); σ' is the step function: 1 where z &gt; 0, else 0 (PyTorch's choice at 0).</summary>
public sealed class Relu<T> : Activation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Type => "relu";
    internal override bool IsExactOnPieces => true;
    /// <inheritdoc/>
    protected override void Apply(ReadOnlySpan<T> z, Span<T> h) => TensorPrimitives.Max(z, T.Zero, h);

    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<T> z, ReadOnlySpan<T> h, Span<T> d) => Elementwise.Step(z, T.One, T.Zero, d);
}

/// <summary>σ(z) = z for z &gt; 0, else slope·z; σ' is 1 or slope.</summary>
public sealed class LeakyRelu<T>(double slope = 0.01) : Activation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _slope = T.CreateChecked(slope);
    /// <inheritdoc/>
    public override string Type => "leaky_relu";
    internal override bool IsExactOnPieces => true;
    /// <summary>The slope below zero.</summary>
    public double Slope { get; } = slope;

    /// <inheritdoc/>
    protected override void Apply(ReadOnlySpan<T> z, Span<T> h) => Elementwise.Leaky(z, _slope, h);

    /// <inheritdoc/>
    protected override void Differentiate(ReadOnlySpan<T> z, ReadOnlySpan<T> h, Span<T> d) => Elementwise.Step(z, T.One, _slope, d);
}
