using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Losses;

/// <summary>
/// Binary cross-entropy of sigmoid(Y), averaged over every element (PyTorch's BCEWithLogitsLoss):
/// ℓ = max(y, 0) − y·t + log(1 + e^(−|y|)), stable for any logit; ∂ℓ/∂y = sigmoid(y) − t.
/// </summary>
public sealed class BceWithLogits<T> : Loss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Name => "bce_with_logits";

    /// <inheritdoc/>
    protected override double Evaluate(Matrix<T> y, Matrix<T> targets, Matrix<T> gradient)
    {
        var ys = y.Span;
        var ts = targets.Span;
        var g = gradient.Span;
        T invN = T.One / T.CreateChecked(ys.Length);
        double total = 0;
        for (int i = 0; i < ys.Length; i++)
        {
            T v = ys[i];
            total += double.CreateChecked(T.Max(v, T.Zero) - v * ts[i] + T.LogP1(T.Exp(-T.Abs(v))));
            T sigmoid = v >= T.Zero ? T.One / (T.One + T.Exp(-v)) : T.Exp(v) / (T.One + T.Exp(v));
            g[i] = (sigmoid - ts[i]) * invN;
        }
        return total / ys.Length;
    }
}
