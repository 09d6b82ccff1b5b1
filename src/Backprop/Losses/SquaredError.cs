using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Losses;

/// <summary>
/// Squared error in its three customary reductions:
/// sse = Σ(Y−T)² (the third article), half_sse = ½Σ(Y−T)² (the first two, so that ∂L/∂Y = Y − T = δ),
/// mse = Σ(Y−T)²/(B·K) (PyTorch's MSELoss).
/// </summary>
public sealed class SquaredError<T>(SquaredError<T>.Reduction reduction) : Loss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>How the squares are reduced over the batch.</summary>
    public enum Reduction
    {
        /// <summary>Σ(Y−T)²: sse.</summary>
        Sum,

        /// <summary>½Σ(Y−T)²: half_sse.</summary>
        HalfSum,

        /// <summary>Σ(Y−T)²/(B·K): mse.</summary>
        Mean,
    }

    /// <inheritdoc/>
    public override string Name => reduction switch { Reduction.Sum => "sse", Reduction.HalfSum => "half_sse", _ => "mse" };

    /// <inheritdoc/>
    public override bool SumsOverBatch => reduction != Reduction.Mean;

    /// <inheritdoc/>
    protected override double Evaluate(Matrix<T> y, Matrix<T> targets, Matrix<T> gradient)
    {
        double scale = reduction switch { Reduction.Sum => 1, Reduction.HalfSum => 0.5, _ => 1.0 / y.Length };
        T slope = T.CreateChecked(2 * scale); // d/dy of scale·(y − t)²
        var ys = y.Span;
        var ts = targets.Span;
        var g = gradient.Span;
        double sum = 0;
        for (int i = 0; i < ys.Length; i++)
        {
            T diff = ys[i] - ts[i];
            sum += double.CreateChecked(diff * diff);
            g[i] = slope * diff;
        }
        return scale * sum;
    }
}
