using System.Text;
using Backprop.Explain.Paths;

namespace Backprop.Explain.Report;

/// <summary>A path sum as plain lines: one path per line with its factors and product, then the total beside the matrix result.</summary>
public static class PathSumText
{
    /// <summary>The path sum as text lines.</summary>
    /// <param name="sum">The path sum.</param>
    public static string Write(PathSum sum)
    {
        var sb = new StringBuilder();
        var t = sum.Target;
        sb.Append($"∂E/∂{t.Symbol}: {sum.Count} path{(sum.Count == 1 ? "" : "s")} from the loss");
        sb.Append(sum.Complete ? ", all listed\n" : $"; the {sum.Listed.Count} with the largest |product| are listed\n");
        int n = 1;
        foreach (var p in sum.Listed)
            sb.Append($"  {n++,3}. {Path(p)}\n");
        if (!sum.Complete) sb.Append($"       sum of the listed paths {Notation.Number(sum.ListedSum)}\n");
        sb.Append($"  sum over all paths{(sum.Complete ? "" : " (dynamic programming)")} = {Notation.Number(sum.Total)}\n");
        sb.Append($"  matrix result {MatrixName(t)} = {Notation.Number(sum.MatrixValue)}   difference {Notation.Number(sum.Difference)}\n");
        return sb.ToString();
    }

    /// <summary>"example 1: x₁ 1 × σ′(l¹₁) 0.2 × w²₁₁ 0.5 × δ₁ 0.1 = 0.01"</summary>
    public static string Path(GradientPath p) =>
        $"example {p.Example + 1}: " + string.Join(" × ", p.Factors.Select(f => $"{f.Symbol} {Notation.Number(f.Value)}")) + $" = {Notation.Number(p.Product)}";

    /// <summary>The symbol of the matrix gradient the target belongs to: ∂E/∂W¹, ∂E/∂B¹ or ∂E/∂X.</summary>
    /// <param name="t">The target.</param>
    public static string MatrixName(PathTarget t) => t.What switch
    {
        PathTarget.Kind.Weight => $"(∂E/∂W{Notation.Sup(t.Layer)})[{t.Row + 1},{t.Col + 1}]",
        PathTarget.Kind.Bias => $"(∂E/∂B{Notation.Sup(t.Layer)})[{t.Col + 1}]",
        _ => $"(∂E/∂X)[{t.Row + 1},{t.Col + 1}]",
    };
}
