using System.Text;
using Backprop.Explain.Paths;
using Backprop.Explain.Report;
using Backprop.Explain.Steps;

namespace Backprop.Cli.Commands;

/// <summary>The step walk for a terminal: aligned matrices, with colour (ANSI) when the output is a terminal and NO_COLOR is unset.</summary>
internal static class TextTrace
{
    public static bool UseColour => !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public static string Write(Explain.Trace trace, IReadOnlyList<TraceStep> steps, bool colour)
    {
        string Paint(string s, string code) => colour ? $"\u001b[{code}m{s}\u001b[0m" : s;
        var sb = new StringBuilder();
        sb.Append(Paint($"Backpropagation, step by step: batch of {trace.Batch}, loss {trace.LossName}, E = {Explain.Notation.Number(trace.Loss)}", "1")).Append('\n')
          .Append(Paint($"Symbols: X inputs, W weights, B bias, L = X·W + B, H = σ(L), Δ = ∂E/∂L, E loss; superscripts number the dense layers from 1 ({Explain.Notation.Glossary}).", "2")).Append("\n\n");
        string phase = "";
        foreach (var step in steps)
        {
            if (step.Phase != phase) sb.Append(Paint($"== {step.Phase.ToUpperInvariant()} ==", "1;35")).Append("\n\n");
            phase = step.Phase;
            sb.Append(Paint(step.Title, "1;36")).Append("   ").Append(Paint(step.Equation.Text, "1;33")).Append('\n');
            if (step.Note is { } note) sb.Append(Paint("  " + note, "2")).Append('\n');
            sb.Append(MatrixText.SideBySide(step.Matrices.Select(MatrixText.Block)).TrimEnd('\n')).Append('\n');
            if (step.Check is { } c)
                sb.Append("  ").Append(c.Passed ? Paint("✔ check", "32") : Paint("✘ CHECK FAILED", "1;31"))
                  .Append($" {c.Identity}: largest difference {Explain.Notation.Number(c.MaxError)}\n");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    public static string Write(PathSum sum, bool colour)
    {
        string text = PathSumText.Write(sum);
        return colour ? $"\u001b[1;36m{text.Split('\n')[0]}\u001b[0m\n{string.Join('\n', text.Split('\n').Skip(1))}" : text;
    }
}
