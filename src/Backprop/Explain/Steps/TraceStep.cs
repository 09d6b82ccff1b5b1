using Backprop.Tensors;

namespace Backprop.Explain.Steps;

/// <summary>
/// A matrix shown in a step: its trace key (for data-ref), the articles' symbol and its values. When
/// <see cref="Transposed"/>, <see cref="Value"/> holds the transpose of the keyed matrix, so the cell at
/// (i, j) is the keyed matrix's (j, i).
/// </summary>
public sealed record TraceMatrix(string Key, string Symbol, Matrix<double> Value)
{
    /// <summary>The shape as shown, rows×cols.</summary>
    public string Shape => Value.Shape;

    /// <summary>True when the matrix is shown transposed (an operand such as H¹ᵀ).</summary>
    public bool Transposed { get; init; }

    /// <summary>The trace reference of the shown cell (i, j).</summary>
    public string Ref(int i, int j) => Transposed ? $"{Key}:{j}:{i}" : $"{Key}:{i}:{j}";
}

/// <summary>An identity checked numerically: the largest difference between its two sides, and what rounding allows.</summary>
public sealed record IdentityCheck(string Identity, double MaxError, double Tolerance)
{
    /// <summary>True when the error is within the tolerance.</summary>
    public bool Passed => MaxError <= Tolerance;
}

/// <summary>
/// One step of the walk: the forward pass layer by layer, the loss, then the five backward steps of the
/// first article for every layer from the top down.
/// </summary>
public sealed record TraceStep(string Phase, string Title, Equation Equation, IReadOnlyList<TraceMatrix> Matrices, IdentityCheck? Check)
{
    /// <summary>A sentence for the reader, in the articles' words.</summary>
    public string? Note { get; init; }
}
