using Backprop.Tensors;

namespace Backprop.Explain.Steps;

/// <summary>A matrix shown in a step: its trace key (for data-ref), the articles' symbol and its values.</summary>
public sealed record TraceMatrix(string Key, string Symbol, Matrix<double> Value)
{
    /// <summary>The shape as text, such as 2×3.</summary>
    public string Shape => Value.Shape;
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
