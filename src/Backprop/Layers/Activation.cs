using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// An element-wise non-linearity: H = σ(Z). Backward is the fourth step of the first article:
/// Δ = dH ∘ σ'(Z), the accumulated gradient carried through the non-linearity.
/// </summary>
public abstract class Activation<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Matrix<T>? _h, _derivative, _delta;

    /// <summary>σ'(Z) from the last Backward, kept for traces.</summary>
    public Matrix<T>? Derivative => _derivative;

    /// <summary>h[i] = σ(z[i]).</summary>
    protected abstract void Apply(ReadOnlySpan<T> z, Span<T> h);

    /// <summary>d[i] = σ'(z[i]); h = σ(z) is given too, since sigmoid and tanh are cheaper from it.</summary>
    protected abstract void Differentiate(ReadOnlySpan<T> z, ReadOnlySpan<T> h, Span<T> d);

    public override Matrix<T> Forward(Matrix<T> z)
    {
        Input = z;
        var h = Matrix<T>.Reuse(ref _h, z.Rows, z.Cols);
        Apply(z.Span, h.Span);                                                // H = σ(Z)
        return Output = h;
    }

    public override Matrix<T> Backward(Matrix<T> dh, bool needInputGradient = true)
    {
        OutputGradient = dh;
        var z = Input ?? throw new InvalidOperationException("Backward before Forward");
        var d = Matrix<T>.Reuse(ref _derivative, z.Rows, z.Cols);
        var delta = Matrix<T>.Reuse(ref _delta, z.Rows, z.Cols);
        Differentiate(z.Span, Output!.Span, d.Span);                          // σ'(Z)
        TensorPrimitives.Multiply(dh.Span, d.Span, delta.Span);               // step 4: Δ = dH ∘ σ'(Z)
        return (Matrix<T>)(InputGradient = delta);
    }
}
