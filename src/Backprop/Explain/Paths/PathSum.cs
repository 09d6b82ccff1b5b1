using System.Numerics;

namespace Backprop.Explain.Paths;

/// <summary>
/// A gradient explained as a sum over paths: how many paths there are, those listed (all of them, or
/// the largest when there are too many), the exact total over all paths, and the matrix result beside it.
/// </summary>
public sealed record PathSum(PathTarget Target, BigInteger Count, IReadOnlyList<GradientPath> Listed, double Total, double MatrixValue)
{
    /// <summary>True when every path is listed.</summary>
    public bool Complete => Count == Listed.Count;

    /// <summary>The sum of the listed paths (equal to <see cref="Total"/> when the list is complete).</summary>
    public double ListedSum => Listed.Sum(p => p.Product);

    /// <summary>|Total − MatrixValue|: how far the path sum is from the matrix result.</summary>
    public double Difference => Math.Abs(Total - MatrixValue);
}
