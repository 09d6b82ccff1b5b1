using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Losses;

/// <summary>
/// A loss over a whole batch: its value L(Y, T) and ∂L/∂Y, the matrix that starts the backward pass
/// (the first article's Δ of the output layer when the output is linear).
/// </summary>
public abstract class Loss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The name in the network format: "sse", "half_sse", "mse", "cross_entropy", "bce_with_logits".</summary>
    public abstract string Name { get; }

    /// <summary>Returns L(Y, T) and writes ∂L/∂Y into <paramref name="gradient"/> (shaped like Y).</summary>
    /// <param name="y">The outputs Y, one example per row.</param>
    /// <param name="targets">The targets T: Y's shape, or for cross_entropy one class index per row.</param>
    /// <param name="gradient">Receives ∂L/∂Y; it takes Y's shape.</param>
    /// <exception cref="BackpropException">Targets of the wrong shape, or class indices out of range.</exception>
    public double Compute(Matrix<T> y, Matrix<T> targets, Matrix<T> gradient)
    {
        CheckTargets(y, targets);
        return Evaluate(y, targets, gradient.Reshape(y.Rows, y.Cols));
    }

    /// <summary>
    /// True when the value is a sum over the batch's rows (sse, half_sse) rather than a mean:
    /// a per-example average over a data set then divides by the count instead of weighting by batch size.
    /// </summary>
    public virtual bool SumsOverBatch => false;

    /// <summary>The loss of a batch as a sum over its rows, whichever reduction the loss uses.</summary>
    /// <param name="value">The batch's loss as <see cref="Compute"/> returned it.</param>
    /// <param name="rows">The number of rows in the batch.</param>
    public double SumOverRows(double value, int rows) => SumsOverBatch ? value : value * rows;

    /// <summary>The loss of a batch whose targets are checked; writes ∂L/∂Y into <paramref name="gradient"/> (already shaped like Y).</summary>
    /// <param name="y">The outputs Y.</param>
    /// <param name="targets">The targets T.</param>
    /// <param name="gradient">Receives ∂L/∂Y.</param>
    protected abstract double Evaluate(Matrix<T> y, Matrix<T> targets, Matrix<T> gradient);

    /// <summary>Targets have Y's shape unless a loss says otherwise (cross-entropy also takes class indices).</summary>
    /// <param name="y">The outputs Y.</param>
    /// <param name="targets">The targets T.</param>
    protected virtual void CheckTargets(Matrix<T> y, Matrix<T> targets)
    {
        if (targets.Rows != y.Rows || targets.Cols != y.Cols)
            throw new BackpropException($"{Name} needs targets of shape {y.Shape} (like the outputs) but got {targets.Shape}");
    }

    /// <summary>The loss of that kind.</summary>
    /// <param name="kind">Which loss.</param>
    public static Loss<T> Create(LossKind kind) => Create(kind.Name());

    /// <summary>The loss of that format name.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <exception cref="BackpropException">An unknown name.</exception>
    public static Loss<T> Create(string name) => name switch
    {
        "sse" => new SquaredError<T>(SquaredError<T>.Reduction.Sum),
        "half_sse" => new SquaredError<T>(SquaredError<T>.Reduction.HalfSum),
        "mse" => new SquaredError<T>(SquaredError<T>.Reduction.Mean),
        "cross_entropy" => new CrossEntropy<T>(),
        "bce_with_logits" => new BceWithLogits<T>(),
        _ => throw new BackpropException($"unknown loss '{name}' (expected one of: {string.Join(", ", Names)})"),
    };

    /// <summary>The loss names of the network format.</summary>
    public static readonly string[] Names = ["sse", "half_sse", "mse", "cross_entropy", "bce_with_logits"];
}
