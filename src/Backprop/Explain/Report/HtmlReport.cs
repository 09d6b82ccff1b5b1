using System.Net;
using System.Text;
using Backprop.Explain.Paths;
using Backprop.Explain.Steps;
using Backprop.Explain.Svg;

namespace Backprop.Explain.Report;

/// <summary>
/// One self-contained HTML file (styles, SVG diagrams and MathML inline; nothing fetched) with the
/// diagrams, the backpropagation equations and every step's matrices. It is well-formed XML too, so tests
/// can read it back; every number carries the trace reference it came from in data-ref.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
        h1 { font-size: 1.7em; } h2 { border-bottom: 2px solid #eee; padding-bottom: .2em; margin-top: 2em; } h3 { margin-bottom: .3em; }
        figure { margin: 1.5em 0; overflow-x: auto; } figcaption { color: #555; font-size: .95em; }
        svg { max-width: 100%; height: auto; }
        .step { border-left: 4px solid #ddd; padding: .2em 0 .2em 1em; margin: 1.2em 0; }
        .backward { border-left-color: #1a5fb4; } .forward { border-left-color: #999; } .loss { border-left-color: #e5a50a; } .update { border-left-color: #009e73; } .after { border-left-color: #555; }
        dl.glossary { display: grid; grid-template-columns: max-content auto; gap: .1em 1em; } dl.glossary dt { font-weight: bold; } dl.glossary dd { margin: 0; }
        .matrices { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
        table.m { border-collapse: collapse; font-family: "DejaVu Sans Mono", monospace; font-size: .9em; }
        table.m caption { font-family: "DejaVu Sans", sans-serif; font-weight: bold; text-align: left; padding-bottom: .2em; }
        table.m td { padding: .15em .6em; text-align: right; border-left: 1px solid #ccc; border-right: 1px solid #ccc; }
        .ok { color: #26a269; } .bad { color: #c01c28; font-weight: bold; } .note { color: #555; }
        table.paths { border-collapse: collapse; font-size: .9em; } table.paths td, table.paths th { padding: .2em .6em; border-bottom: 1px solid #eee; text-align: left; }
        math { font-size: 1.15em; }
        @media print { figure { break-inside: avoid; } .step { break-inside: avoid; } }
        """;

    /// <summary>The page as text.</summary>
    /// <param name="trace">The recorded pass.</param>
    /// <param name="steps">The step walk of <paramref name="trace"/>.</param>
    /// <param name="paths">A path sum to include, or null.</param>
    /// <param name="diagrams">Whether to include the diagrams.</param>
    /// <param name="node">Layer k (from 1) and unit j (from 0) for the node diagrams; null for the default.</param>
    public static string Write(Trace trace, IReadOnlyList<TraceStep> steps, PathSum? paths, bool diagrams, (int K, int J)? node = null)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n")
          .Append("<title>Backpropagation, step by step</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n")
          .Append("<h1>Backpropagation, step by step</h1>\n")
          .Append($"<p>A network of {trace.Stages.Count} dense layer(s) ({E(Shape(trace))}), a batch of {trace.Batch} example(s), loss <code>{E(trace.LossName)}</code>: ")
          .Append($"E = <span data-ref=\"E:0:0\">{Notation.Number(trace.Loss)}</span>. Every number below comes from one forward and backward pass of the network; ")
          .Append("every identity is checked numerically.</p>\n");
        AppendEquations(sb);
        if (diagrams) AppendDiagrams(sb, trace, paths?.Target, node);
        sb.Append("<h2>The walk, step by step</h2>\n");
        foreach (var step in steps) AppendStep(sb, step);
        if (paths is not null) AppendPaths(sb, paths);
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static string Shape(Trace trace) =>
        string.Join(" → ", new[] { trace.X.Cols.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            .Concat(trace.Stages.Select(s => s.Units + (s.Activation is { } a ? " " + a : ""))));

    /// <summary>The symbols, as docs/notation.md states them: the report is self-contained, so it carries its own copy.</summary>
    private static readonly (string Symbol, string Meaning)[] GlossaryEntries =
    [
        ("X", "the inputs, one example of the batch per row (H⁰ = X)"),
        ("Wᵏ, Bᵏ", "the weights and the bias row of dense layer k; layers count from 1 at the input, and a superscript is a layer number, never a power"),
        ("Lᵏ = Hᵏ⁻¹·Wᵏ + Bᵏ", "the linear combination of layer k"),
        ("Hᵏ = σ(Lᵏ)", "the hidden layer: σ stands for the layer's activation, written by its name (σ is the sigmoid, tanh, ReLU)"),
        ("Y, T", "the network's output and the targets"),
        ("E", "the loss (error) of the batch"),
        ("Δᵏ = ∂E/∂Lᵏ", "the gradient accumulated from the loss down to the linear combination of layer k"),
        ("σ′", "the derivative of the activation (tanh′, ReLU′): the prime means a derivative only"),
        ("∘, ·, ᵀ", "the element-wise (Hadamard) product, the matrix product, the transpose"),
        ("η", "the learning rate of the update W ← W − η·∂E/∂W"),
        ("I, L, A, O, c", "the third article's names in the single-node pictures only: I = Hᵏ⁻¹ (X for layer 1), L = Lᵏ, A = Hᵏ, O = Lᵏ⁺¹, c = E"),
    ];

    private static void AppendEquations(StringBuilder sb)
    {
        sb.Append("<h2>Notation</h2>\n<p>One notation throughout, the first article's (the same list is docs/notation.md in the Backprop repository):</p>\n<dl class=\"glossary\">\n");
        foreach (var (symbol, meaning) in GlossaryEntries) sb.Append($"<dt>{E(symbol)}</dt><dd>{E(meaning)}</dd>\n");
        sb.Append("</dl>\n");
        sb.Append("<h2>The equations</h2>\n<p>For every layer k, from the top down (the first article's five steps), then the update:</p>\n");
        var eqs = new (string Text, Equation Eq)[]
        {
            ("Forward: the linear combination and the activation", new Equation().SymK("L", "k").Op("=").SymK("H", "k−1").Op("·").SymK("W", "k").Op("+").SymK("B", "k").Op(",").SymK("H", "k").Op("=").Fn("σ").Op("(").SymK("L", "k").Op(")")),
            ("Step 1: weights", new Equation().GradK("W", "k").Op("=").SymK("H", "k−1", transposed: true).Op("·").SymK("Δ", "k")),
            ("Step 2: biases", new Equation().GradK("B", "k").Op("=").Fn("colsum").Op("(").SymK("Δ", "k").Op(")")),
            ("Step 3: the layer below", new Equation().GradK("H", "k−1").Op("=").SymK("Δ", "k").Op("·").SymK("W", "k", transposed: true)),
            ("Step 4: through the non-linearity of the layer below", new Equation().SymK("Δ", "k−1").Op("=").GradK("H", "k−1").Op("∘").Fn("σ′").Op("(").SymK("L", "k−1").Op(")")),
            ("Step 5: rinse and repeat with k − 1; the update after all of them", new Equation().SymK("W", "k").Op("←").SymK("W", "k").Op("−").Sym("η").Op("·").GradK("W", "k")),
        };
        sb.Append("<ul>\n");
        foreach (var (text, eq) in eqs) sb.Append($"<li>{E(text)}: {eq.InlineMathMl}</li>\n");
        sb.Append("</ul>\n");
    }

    private static void AppendDiagrams(StringBuilder sb, Trace trace, PathTarget? target, (int K, int J)? node)
    {
        sb.Append("<h2>Diagrams</h2>\n");
        var (k, j) = node ?? (1, 0);
        var captions = new Dictionary<DiagramKind, string>
        {
            [DiagramKind.Forward] = "The forward pass: every unit's linear combination L and hidden value H, one row (and colour) per example, weights on the lines.",
            [DiagramKind.Backward] = "The backward pass: the gradient accumulated at every node; each weight receives one arrow per example, and its gradient is their sum.",
            [DiagramKind.NodeForward] = $"One node (unit {j + 1} of layer {k}) going forward, as the third article draws it: I = Hᵏ⁻¹, L = Lᵏ, A = Hᵏ, O = Lᵏ⁺¹.",
            [DiagramKind.NodeBackward] = "The same node going backward: weight ∂c/∂O, multiply by σ′, get ∂c/∂L (c = E, O = Lᵏ⁺¹, L = Lᵏ).",
            [DiagramKind.Paths] = "The paths from the loss to one weight (the second article's view): each path's product, and their sum beside the matrix result.",
        };
        foreach (var (kind, caption) in captions)
            sb.Append($"<figure id=\"{DiagramKinds.Name(kind)}\">\n").Append(Diagrams.Draw(trace, kind, target, node))
              .Append($"<figcaption>{E(caption)}</figcaption>\n</figure>\n");
    }

    private static void AppendStep(StringBuilder sb, TraceStep step)
    {
        sb.Append($"<section class=\"step {step.Phase}\">\n<h3>{E(step.Title)}</h3>\n{step.Equation.MathMl}\n");
        if (step.Note is { } note) sb.Append($"<p class=\"note\">{E(note)}</p>\n");
        sb.Append("<div class=\"matrices\">\n");
        foreach (var m in step.Matrices) AppendMatrix(sb, m);
        sb.Append("</div>\n");
        if (step.Check is { } c)
            sb.Append(c.Passed ? "<p class=\"ok\">✔ " : "<p class=\"bad\">✘ check failed: ")
              .Append($"{E(c.Identity)}: largest difference {Notation.Number(c.MaxError)}</p>\n");
        sb.Append("</section>\n");
    }

    private static void AppendMatrix(StringBuilder sb, TraceMatrix matrix)
    {
        var m = matrix.Value;
        string transposed = matrix.Transposed ? " data-transposed=\"true\"" : "";
        sb.Append($"<table class=\"m\" data-matrix=\"{E(matrix.Key)}\"{transposed}><caption>{E(matrix.Symbol)} <small>({m.Shape})</small></caption>\n");
        for (int i = 0; i < m.Rows; i++)
        {
            sb.Append("<tr>");
            for (int j = 0; j < m.Cols; j++) sb.Append($"<td data-ref=\"{matrix.Ref(i, j)}\">{Notation.Number(m[i, j])}</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</table>\n");
    }

    private static void AppendPaths(StringBuilder sb, PathSum sum)
    {
        sb.Append($"<h2>Paths to ∂E/∂{E(sum.Target.Symbol)}</h2>\n<p>{sum.Count} path(s) lead from the loss to {E(sum.Target.Symbol)}")
          .Append(sum.Complete ? "; all are listed." : $"; the {sum.Listed.Count} with the largest |product| are listed, and the total over all of them is exact (dynamic programming).")
          .Append("</p>\n<table class=\"paths\"><tr><th>#</th><th>example</th><th>factors</th><th>product</th></tr>\n");
        int n = 1;
        foreach (var p in sum.Listed)
        {
            string factors = string.Join(" × ", p.Factors.Select(f => $"{E(f.Symbol)} <span data-ref=\"{f.Ref}\">{Notation.Number(f.Value)}</span>"));
            sb.Append($"<tr><td>{n++}</td><td>{p.Example + 1}</td><td>{factors}</td><td data-ref=\"{p.Ref}\">{Notation.Number(p.Product)}</td></tr>\n");
        }
        sb.Append("</table>\n")
          .Append($"<p>Sum over all paths: <strong>{Notation.Number(sum.Total)}</strong>; matrix result {E(PathSumText.MatrixName(sum.Target))} = ")
          .Append($"<strong data-ref=\"{sum.Target.GradientRef}\">{Notation.Number(sum.MatrixValue)}</strong> (difference {Notation.Number(sum.Difference)}).</p>\n");
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
