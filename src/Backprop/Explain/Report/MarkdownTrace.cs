using System.Text;
using Backprop.Explain.Paths;
using Backprop.Explain.Steps;

namespace Backprop.Explain.Report;

/// <summary>The step walk and path sums as Markdown: headings per step, matrices in fenced blocks, checks in words.</summary>
public static class MarkdownTrace
{
    /// <summary>The step walk as Markdown.</summary>
    /// <param name="trace">The recorded pass.</param>
    /// <param name="steps">The step walk of <paramref name="trace"/>.</param>
    public static string Write(Trace trace, IReadOnlyList<TraceStep> steps)
    {
        var sb = new StringBuilder($"# Backpropagation, step by step\n\nBatch of {trace.Batch}, loss {trace.LossName}, E = {Notation.Number(trace.Loss)}. The symbols are those of {Notation.Glossary} in the Backprop repository.\n");
        string phase = "";
        foreach (var step in steps)
        {
            if (step.Phase != phase) sb.Append($"\n## {char.ToUpperInvariant(step.Phase[0])}{step.Phase[1..]}\n");
            phase = step.Phase;
            sb.Append($"\n### {step.Title}\n\n`{step.Equation.Text}`\n\n");
            if (step.Note is { } note) sb.Append(note).Append("\n\n");
            sb.Append("```\n").Append(MatrixText.SideBySide(step.Matrices.Select(MatrixText.Block), indent: "").TrimEnd()).Append("\n```\n");
            if (step.Check is { } c) sb.Append($"\n{(c.Passed ? "✔" : "✘")} {c.Identity}: largest difference {Notation.Number(c.MaxError)}\n");
        }
        return sb.ToString();
    }

    /// <summary>A path sum as Markdown.</summary>
    /// <param name="sum">The path sum.</param>
    public static string Write(PathSum sum) =>
        $"# Paths to ∂E/∂{sum.Target.Symbol}\n\n```\n{PathSumText.Write(sum)}```\n";
}
