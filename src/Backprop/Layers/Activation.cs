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

    /// <inheritdoc/>
    public override Matrix<T> Forward(Matrix<T> z)
    {
        Input = z;
        var h = Matrix<T>.Reuse(ref _h, z.Rows, z.Cols);
        Apply(z.Span, h.Span);                                                // H = σ(Z)
        return Output = h;
    }

    internal override Matrix<T> Infer(Matrix<T> z)
    {
        var h = new Matrix<T>(z.Rows, z.Cols);
        Apply(z.Span, h.Span);                                                // H = σ(Z)
        return h;
    }

    /// <inheritdoc/>
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

    // ---- The fused path (Network.Fuse). It computes the very same numbers as Forward/Backward above
    // ---- and leaves them in the same properties, only with fewer passes over memory.

    /// <summary>σ applied to part of a row, for the epilogue of the forward product.</summary>
    internal void ApplyTo(ReadOnlySpan<T> z, Span<T> h) => Apply(z, h);

    /// <summary>
    /// True when σ gives bit-identical results on any piece of a row (max, compare, multiply). Vectorized
    /// exp and tanh may round differently in a vector body and a scalar tail, so sigmoid and tanh are applied
    /// to the whole of Z after the product: the fused path must hold exactly the unfused path's numbers.
    /// </summary>
    internal virtual bool IsExactOnPieces => false;

    /// <summary>ReLU and identity: the product itself adds the bias and applies σ to each tile in registers (Tensors' GemmFinish).</summary>
    private bool FinishesInRegisters => this is Relu<T> or Identity<T>;

    /// <summary>
    /// Forward of <paramref name="dense"/> and this layer in one product: Z = X·W + b and H = σ(Z) are
    /// written block by block in the product's epilogue (Dense.Output = Z, this layer's Output = H).
    /// </summary>
    internal Matrix<T> ForwardFused(Dense<T> dense, Matrix<T> x)
    {
        var z = dense.PrepareForward(x);
        var h = Matrix<T>.Reuse(ref _h, z.Rows, z.Cols);
        var bias = dense.Bias.Value.Data;
        if (FinishesInRegisters) Gemm.MultiplyAddRow(x, dense.Weights.Value, z, bias, this is Relu<T>, h); // Z = X·W + b ; H = σ(Z), per tile
        else if (IsExactOnPieces) Gemm.Multiply(x, dense.Weights.Value, z, new DenseEpilogue<T>(bias, this, h)); // Z = X·W + b ; H = σ(Z)
        else
        {
            Gemm.Multiply(x, dense.Weights.Value, z, new DenseEpilogue<T>(bias, null, null)); // Z = X·W + b
            Apply(z.Span, h.Span);                                                             // H = σ(Z)
        }
        Input = z;
        return Output = h;
    }

    /// <summary>
    /// Inference of <paramref name="dense"/> and this layer in one product: <paramref name="h"/> = σ(X·W + b),
    /// σ applied in place in the product's epilogue (or after it, as in <see cref="ForwardFused"/>), no Z kept and
    /// no layer state touched. The same numbers as Dense.Infer then Infer.
    /// </summary>
    internal void InferFused(Dense<T> dense, Matrix<T> x, Matrix<T> h)
    {
        if (x.Cols != dense.Inputs) throw new BackpropException($"dense layer expects {dense.Inputs} inputs per row but got a {x.Shape} batch");
        var bias = dense.Bias.Value.Data;
        if (FinishesInRegisters) dense.MultiplyAddBias(x, h, this is Relu<T>);                                     // H = σ(X·W + b), per tile
        else if (IsExactOnPieces) Gemm.Multiply(x, dense.Weights.Value, h, new DenseEpilogue<T>(bias, this, null)); // H = σ(X·W + b)
        else
        {
            Gemm.Multiply(x, dense.Weights.Value, h, new DenseEpilogue<T>(bias, null, null)); // Z = X·W + b
            Apply(h.Span, h.Span);                                                             // H = σ(Z), in place
        }
    }

    /// <summary>
    /// Backward of this layer and the <paramref name="dense"/> layer below it. One sweep over the rows
    /// computes σ'(Z), Δ = dH ∘ σ'(Z) and db = column sums of Δ while each row is in L1; then the two
    /// products dW = Xᵀ·Δ and dX = Δ·Wᵀ.
    /// </summary>
    /// <param name="dense">The dense layer below.</param>
    /// <param name="dh">∂L/∂H.</param>
    /// <param name="needInputGradient">Whether to compute the dense layer's dX.</param>
    /// <param name="descend">−η of a plain SGD step the dense layer takes on the way, or null for none.</param>
    internal Matrix<T>? BackwardFused(Dense<T> dense, Matrix<T> dh, bool needInputGradient, T? descend = null)
    {
        OutputGradient = dh;
        var z = Input ?? throw new InvalidOperationException("Backward before Forward");
        var h = Output!;
        var d = Matrix<T>.Reuse(ref _derivative, z.Rows, z.Cols);
        var delta = Matrix<T>.Reuse(ref _delta, z.Rows, z.Cols);
        var db = dense.Bias.Gradient.Span;
        db.Clear();
        for (int r = 0; r < z.Rows; r++)
        {
            Differentiate(z.Row(r), h.Row(r), d.Row(r));                      // σ'(Z)
            TensorPrimitives.Multiply(dh.Row(r), d.Row(r), delta.Row(r));     // Δ = dH ∘ σ'(Z)
            TensorPrimitives.Add(db, delta.Row(r), db);                       // db = colsum Δ
        }
        InputGradient = delta;
        return dense.BackwardProducts(delta, needInputGradient, descend);     // dW = Xᵀ·Δ ; dX = Δ·Wᵀ
    }
}
