using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// The linear part of a layer: Z = X·W + b, with W inputs×outputs (so weights[i][j] joins input i
/// to output j, as in the articles) and b one bias per output, added to every row of the batch.
/// </summary>
public sealed class Dense<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Matrix<T>? _z, _dx;

    /// <summary>A dense layer with zero weights and biases.</summary>
    /// <param name="inputs">Inputs per example.</param>
    /// <param name="outputs">Outputs per example.</param>
    public Dense(int inputs, int outputs)
    {
        if (inputs < 1 || outputs < 1) throw new BackpropException($"dense layer needs positive sizes, got {inputs}→{outputs}");
        Weights = new Parameter<T>("W", new Matrix<T>(inputs, outputs));
        Bias = new Parameter<T>("b", new Matrix<T>(1, outputs));
    }

    /// <inheritdoc/>
    public override string Type => "dense";

    /// <summary>The number of inputs: rows of W.</summary>
    public int Inputs => Weights.Value.Rows;

    /// <summary>The number of outputs: columns of W.</summary>
    public int Outputs => Weights.Value.Cols;

    /// <summary>W, inputs×outputs, and ∂L/∂W after a backward pass.</summary>
    public Parameter<T> Weights { get; }

    /// <summary>b, 1×outputs, and ∂L/∂b after a backward pass.</summary>
    public Parameter<T> Bias { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter<T>> Parameters => [Weights, Bias];

    /// <summary>
    /// W packed ahead for the product, or null. Set only on a frozen network's own copy of this layer
    /// (<see cref="Model.FrozenNetwork{T}"/>), whose weights never change afterwards; inference reads it.
    /// </summary>
    internal PackedMatrix<T>? PackedWeights { get; set; }

    /// <inheritdoc/>
    public override Matrix<T> Forward(Matrix<T> x)
    {
        var z = PrepareForward(x);
        Gemm.Multiply(x, Weights.Value, z);                                   // Z = X·W
        var b = Bias.Value.Span;
        for (int r = 0; r < z.Rows; r++) TensorPrimitives.Add(z.Row(r), b, z.Row(r)); //   + b
        return Output = z;
    }

    /// <inheritdoc/>
    public override Matrix<T>? Backward(Matrix<T> delta, bool needInputGradient = true)
    {
        OutputGradient = delta;                                               // Δ = ∂L/∂Z
        var x = Input ?? throw new InvalidOperationException("Backward before Forward");
        Gemm.MultiplyTransposeA(x, delta, Weights.Gradient);                  // step 1: dW = Xᵀ·Δ
        ColumnSums(delta, Bias.Gradient.Span);                                // step 2: db = column sums of Δ
        if (!needInputGradient) return InputGradient = null;
        Gemm.MultiplyTransposeB(delta, Weights.Value, Matrix<T>.Reuse(ref _dx, x.Rows, Inputs)); // step 3: dX = Δ·Wᵀ
        return InputGradient = _dx;
    }

    internal override Matrix<T> Infer(Matrix<T> x)
    {
        if (x.Cols != Inputs) throw new BackpropException($"dense layer expects {Inputs} inputs per row but got a {x.Shape} batch");
        var z = new Matrix<T>(x.Rows, Outputs, GC.AllocateUninitializedArray<T>(x.Rows * Outputs)); // the product writes every element
        MultiplyAddBias(x, z, clamp: false);                                  // Z = X·W + b
        return z;
    }

    /// <summary>
    /// <paramref name="z"/> = X·W + b, with <paramref name="clamp"/> max(·, 0), b added to each tile in registers;
    /// from <see cref="PackedWeights"/> when W was packed ahead (the same numbers).
    /// </summary>
    internal void MultiplyAddBias(Matrix<T> x, Matrix<T> z, bool clamp)
    {
        if (PackedWeights is { } packed) Gemm.MultiplyAddRow(x, packed, z, Bias.Value.Data, clamp);
        else Gemm.MultiplyAddRow(x, Weights.Value, z, Bias.Value.Data, clamp);
    }

    /// <summary>Checks the batch, records it as Input and returns Output's buffer Z, shaped for it.</summary>
    internal Matrix<T> PrepareForward(Matrix<T> x)
    {
        if (x.Cols != Inputs) throw new BackpropException($"dense layer expects {Inputs} inputs per row but got a {x.Shape} batch");
        Input = x;
        return Output = Matrix<T>.Reuse(ref _z, x.Rows, Outputs);
    }

    /// <summary>Steps 1 and 3 of Backward, for the fused path, which has computed db = colsum Δ already.</summary>
    /// <param name="delta">Δ = ∂L/∂Z.</param>
    /// <param name="needInputGradient">Whether to compute dX.</param>
    /// <param name="descend">−η of a plain SGD step to take here (W = dW·(−η) + W, b = db·(−η) + b), or null for none.</param>
    internal Matrix<T>? BackwardProducts(Matrix<T> delta, bool needInputGradient, T? descend = null)
    {
        OutputGradient = delta;
        var x = Input ?? throw new InvalidOperationException("Backward before Forward");
        if (descend is not { } minusRate)
        {
            Gemm.MultiplyTransposeA(x, delta, Weights.Gradient);              // step 1: dW = Xᵀ·Δ
            if (!needInputGradient) return InputGradient = null;
            Gemm.MultiplyTransposeB(delta, Weights.Value, Matrix<T>.Reuse(ref _dx, x.Rows, Inputs)); // step 3: dX = Δ·Wᵀ
            return InputGradient = _dx;
        }
        // The step changes W, so dX = Δ·Wᵀ comes first, from the W of the forward pass.
        if (needInputGradient) Gemm.MultiplyTransposeB(delta, Weights.Value, Matrix<T>.Reuse(ref _dx, x.Rows, Inputs)); // step 3: dX = Δ·Wᵀ
        InputGradient = needInputGradient ? _dx : null;
        if (x.Rows == 1) Gemm.MultiplyTransposeAThenAxpy(x, delta, Weights.Gradient, minusRate, Weights.Value); // step 1 at batch 1: dW = xᵀ·δ; W −= η·dW, one pass
        else Gemm.MultiplyTransposeA(x, delta, Weights.Gradient, new DescentEpilogue<T>(Weights.Value, minusRate)); // step 1: dW = Xᵀ·Δ; W −= η·dW
        var b = Bias.Value.Span;
        TensorPrimitives.MultiplyAdd(Bias.Gradient.Span, minusRate, b, b);   // b −= η·db
        return InputGradient;
    }

    /// <summary>Backward with a plain SGD step taken on the way (see <see cref="BackwardProducts"/>).</summary>
    internal Matrix<T>? Backward(Matrix<T> delta, bool needInputGradient, T minusRate)
    {
        ColumnSums(delta, Bias.Gradient.Span);                                // step 2: db = column sums of Δ
        return BackwardProducts(delta, needInputGradient, minusRate);
    }

    private static void ColumnSums(Matrix<T> m, Span<T> sums)
    {
        sums.Clear();
        for (int r = 0; r < m.Rows; r++) TensorPrimitives.Add(sums, m.Row(r), sums);
    }
}
