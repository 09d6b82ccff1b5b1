using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Losses;

/// <summary>
/// Softmax cross-entropy on logits, averaged over the batch (PyTorch's CrossEntropyLoss):
/// L = mean over rows of −Σₖ tₖ log softmax(y)ₖ. Targets are either one class index per row (B×1)
/// or one row of K probabilities per row (B×K). Log-sum-exp keeps logits of ±1000 finite.
/// </summary>
public sealed class CrossEntropy<T> : Loss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override string Name => "cross_entropy";

    private static bool IsClassIndices(Matrix<T> y, Matrix<T> targets) => targets.Cols == 1 && y.Cols > 1;

    /// <inheritdoc/>
    protected override void CheckTargets(Matrix<T> y, Matrix<T> targets)
    {
        if (!IsClassIndices(y, targets))
        {
            base.CheckTargets(y, targets);
            return;
        }
        if (targets.Rows != y.Rows)
            throw new BackpropException($"cross_entropy needs one target per row: {y.Rows} rows of outputs but {targets.Rows} targets");
        for (int r = 0; r < targets.Rows; r++)
        {
            double c = double.CreateChecked(targets[r, 0]);
            if (c != Math.Floor(c) || c < 0 || c >= y.Cols)
                throw new BackpropException($"cross_entropy target in row {r + 1} of the batch is {c}, not a class index in 0..{y.Cols - 1}");
        }
    }

    /// <inheritdoc/>
    protected override double Evaluate(Matrix<T> y, Matrix<T> targets, Matrix<T> gradient)
    {
        bool indices = IsClassIndices(y, targets);
        T invBatch = T.One / T.CreateChecked(y.Rows);
        double total = 0;
        for (int r = 0; r < y.Rows; r++)
        {
            var row = y.Row(r);
            var g = gradient.Row(r);
            // log Σ e^y = m + log Σ e^(y − m), with m the row's maximum.
            T max = row[0];
            for (int k = 1; k < row.Length; k++) if (row[k] > max) max = row[k];
            T sum = T.Zero;
            for (int k = 0; k < row.Length; k++) sum += g[k] = T.Exp(row[k] - max);
            T logSumExp = max + T.Log(sum);
            for (int k = 0; k < row.Length; k++) g[k] /= sum; // softmax
            if (indices)
            {
                int c = int.CreateTruncating(targets[r, 0]);
                total += double.CreateChecked(logSumExp - row[c]);
                g[c] -= T.One;
            }
            else
            {
                var t = targets.Row(r);
                T mass = T.Zero;
                for (int k = 0; k < row.Length; k++)
                {
                    total += double.CreateChecked(t[k] * (logSumExp - row[k]));
                    mass += t[k];
                }
                for (int k = 0; k < row.Length; k++) g[k] = g[k] * mass - t[k];
            }
            for (int k = 0; k < row.Length; k++) g[k] *= invBatch;
        }
        return total / y.Rows;
    }
}
