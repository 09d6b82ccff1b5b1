using Backprop.Explain.Paths;
using Backprop.Explain.Report;
using static Backprop.Explain.Svg.SvgCanvas;

namespace Backprop.Explain.Svg;

/// <summary>
/// The whole network, unit by unit, as the first article draws it: forward (values and weights), backward
/// (the accumulated gradient at every node, one coloured arrow per example into every weight, and their
/// sum), or the paths to one weight highlighted with everything unrelated faded.
/// </summary>
internal static class NetworkDiagram
{
    private const double Font = 10.5;

    public static string Forward(Trace trace) => Draw(trace, backward: false, paths: null);
    public static string Backward(Trace trace) => Draw(trace, backward: true, paths: null);
    public static string PathsTo(Trace trace, PathSum paths) => Draw(trace, backward: false, paths);

    private static string Draw(Trace trace, bool backward, PathSum? paths)
    {
        var layout = backward ? new NetworkLayout(trace, 330, trace.Batch > 1 ? 32 : 20) : new NetworkLayout(trace, 230, 20);
        var c = new SvgCanvas();
        var on = paths is null ? null : Highlighted(trace, paths.Target);
        bool Lit(string id) => on is null || on.Contains(id);
        string title = paths is not null ? $"Paths from the loss to {paths.Target.Symbol}"
            : backward ? "Backward pass: accumulated gradients ∂E/∂· from the loss to every node" : "Forward pass: the batch flows through the network";
        c.Text(0, 22, 16, title, bold: true);
        c.Text(0, 42, 11, Subtitle(trace, backward, paths), fill: Palette.Muted);

        for (int k = 1; k <= trace.Stages.Count; k++)
        {
            var s = trace.Stages[k - 1];
            for (int i = 0; i < s.Inputs; i++)
                for (int j = 0; j < s.Units; j++)
                {
                    string id = $"W{k}:{i}:{j}";
                    int ii = i, jj = j;
                    c.Group(() => WeightEdge(c, trace, layout, s, ii, jj, backward, on is null || !Lit(id) ? Palette.Edge : Palette.Highlight), Attributes(id, "data-edge", Lit(id)));
                }
        }
        for (int m = 0; m < trace.Y.Cols; m++)
        {
            string id = $"Y:{m}";
            int mm = m;
            c.Group(() => LossEdge(c, trace, layout, mm, backward, on is null || !Lit(id) ? Palette.Edge : Palette.Highlight), Attributes(id, "data-edge", Lit(id)));
        }
        for (int i = 0; i < trace.X.Cols; i++)
        {
            string id = $"X:{i}";
            int ii = i;
            c.Group(() => InputNode(c, trace, layout.Inputs[ii], ii, backward), Attributes(id, "data-node", Lit(id)));
        }
        foreach (var s in trace.Stages)
            for (int j = 0; j < s.Units; j++)
            {
                string id = $"U{s.K}:{j}";
                int jj = j;
                c.Group(() => UnitNode(c, trace, s, layout.Units[s.K - 1][jj], jj, backward), Attributes(id, "data-node", Lit(id)));
            }
        c.Group(() => LossNode(c, trace, layout.Loss, backward), Attributes("E", "data-node", true));

        double y = Legend(c, trace, layout.Bottom + 40);
        if (paths is not null) PathList(c, paths, y + 34);
        return c.ToSvg(title);
    }

    private static string Subtitle(Trace trace, bool backward, PathSum? paths) =>
        paths is not null ? $"{paths.Count} path(s); highlighted: every line a path to it runs along. Each path's product is listed below."
        : backward ? $"Δ = ∂E/∂L and ∂E/∂H in every box; each weight receives one arrow per example (batch of {trace.Batch}) and sums them."
        : $"L = linear combination (X·W + B, or H·W + B above layer 1), H = the activation of L; batch of {trace.Batch}, loss {trace.LossName}.";

    private static (string, string)[] Attributes(string id, string kind, bool lit) =>
        lit ? [(kind, id)] : [(kind, id), ("opacity", "0.22")];

    /// <summary>
    /// A weight drawn as a node, as the first article does: the line from its input to its unit passes through
    /// a box with its value (forward), or (backward) one arrow per example runs from the unit into the box,
    /// carrying h·Δ for that example, and the box shows them and their sum.
    /// </summary>
    private static void WeightEdge(SvgCanvas c, Trace trace, NetworkLayout layout, Stage s, int i, int j, bool backward, string stroke)
    {
        var from = layout.Source(s.K, i);
        var to = layout.Units[s.K - 1][j];
        var (x, y) = layout.WeightCenter(s, i, j);
        string name = $"w{Notation.Sup(s.K)}{Notation.Sub(i + 1, j + 1)}";
        var lines = new List<Span[]>();
        double w;
        if (!backward)
        {
            lines.Add([new Span(name + " ", null, Palette.Muted), new Span(Notation.Number(s.W[i, j]), $"W{s.K}:{i}:{j}", Palette.Ink, true)]);
            w = WeightWidth(lines);
            c.Line(from.Right, from.MidY, x - w / 2, y, stroke, 1.3);
            c.Line(x + w / 2, y, to.Left - 2, to.MidY, stroke, 1.3, arrow: true);
        }
        else
        {
            int n = trace.Batch;
            lines.Add([new Span($"∂E/∂{name} = ", null, Palette.Muted), new Span(Notation.Number(s.DW[i, j]), $"dW{s.K}:{i}:{j}", Palette.Gradient, true)]);
            if (n > 1)
            {
                var terms = new List<Span> { new("= ", null, Palette.Muted) };
                for (int b = 0; b < n; b++)
                {
                    if (b > 0) terms.Add(new Span(" + ", null, Palette.Muted));
                    terms.Add(new Span(Notation.Number(s.Input[b, i] * s.Delta[b, j]), $"{s.InputKey}:{b}:{i}*D{s.K}:{b}:{j}", Palette.ExampleText(b), true));
                }
                lines.Add([.. terms]);
            }
            w = WeightWidth(lines);
            c.Line(x - w / 2, y, from.Right, from.MidY, Palette.Faded, 1.2);
            for (int b = 0; b < n; b++)
            {
                double off = (b - (n - 1) / 2.0) * 3.2;
                c.Line(to.Left, to.MidY + off, x + w / 2 + 2, y + off, Palette.Example(b, n), 1.4, arrow: true);
            }
        }
        Card(c, x, y, w, layout.WeightHeight, lines);
    }

    private static double WeightWidth(List<Span[]> lines) => lines.Max(l => TextWidth(string.Concat(l.Select(s => s.Text)), Font)) + 10;

    private static void Card(SvgCanvas c, double x, double y, double w, double h, List<Span[]> lines)
    {
        c.Rect(x - w / 2, y - h / 2, w, h, "white", "#c8c8c8", 4, 0.8);
        double first = y - (lines.Count - 1) * 6.5 + 4;
        for (int i = 0; i < lines.Count; i++) c.Text(x, first + i * 13, Font, "middle", lines[i]);
    }

    private static void LossEdge(SvgCanvas c, Trace trace, NetworkLayout layout, int m, bool backward, string stroke)
    {
        var from = layout.Units[^1][m];
        var to = layout.Loss;
        int n = trace.Batch;
        var spans = new List<Span> { new(backward ? $"∂E/∂y{Notation.Sub(m + 1)} " : $"t{Notation.Sub(m + 1)} ", null, Palette.Muted) };
        for (int b = 0; b < n; b++)
        {
            if (b > 0) spans.Add(new Span(" / ", null, Palette.Muted));
            spans.Add(backward
                ? new Span(Notation.Number(trace.LossGradient[b, m]), $"dY:{b}:{m}", Palette.ExampleText(b), true)
                : new Span(trace.TargetRef(b, m) is { } t ? Notation.Number(trace.Resolve(t)) : "–", trace.TargetRef(b, m), Palette.ExampleText(b), true));
        }
        if (backward)
            for (int b = 0; b < n; b++)
            {
                double off = (b - (n - 1) / 2.0) * 3;
                c.Line(to.Left, to.MidY + off, from.Right + 2, from.MidY + off, Palette.Example(b, n), 1.4, arrow: true);
            }
        else c.Line(from.Right, from.MidY, to.Left - 2, to.MidY, stroke, 1.3, arrow: true);
        Label(c, (from.Right + to.Left) / 2, from.MidY + (to.MidY - from.MidY) / 2, [.. spans]);
    }

    private static void InputNode(SvgCanvas c, Trace trace, NetworkLayout.Box box, int i, bool backward)
    {
        Frame(c, box, false);
        c.Text(box.Left + box.Width / 2, box.Top + 14, 11, backward ? $"∂E/∂x{Notation.Sub(i + 1)}" : $"x{Notation.Sub(i + 1)}", "middle", bold: true);
        for (int b = 0; b < trace.Batch; b++)
            Value(c, trace, box.Left, box.RowY(b), b, backward ? trace.Stages[0].DInput[b, i] : trace.X[b, i], backward ? $"dX:{b}:{i}" : $"X:{b}:{i}");
    }

    private static void UnitNode(SvgCanvas c, Trace trace, Stage s, NetworkLayout.Box box, int j, bool backward)
    {
        bool activated = s.SigmaPrime is not null, last = s.K == trace.Stages.Count;
        Frame(c, box, activated);
        string k = Notation.Sup(s.K), u = Notation.Sub(j + 1);
        double mid = box.Left + NetworkLayout.PartWidth / 2;
        string linear = backward ? $"Δ{k}{u}" : last && !activated ? $"y{u} = L{k}{u}" : $"L{k}{u}";
        c.Text(mid, box.Top + 14, 11, linear, "middle", bold: true);
        if (activated)
        {
            string act = backward ? $"∂E/∂H{k}{u}" : $"H{k}{u} = {Notation.Function(s.Activation)}(L)";
            c.Text(mid + NetworkLayout.PartWidth, box.Top + 14, 11, act, "middle", bold: true);
        }
        for (int b = 0; b < trace.Batch; b++)
        {
            if (backward) Value(c, trace, box.Left, box.RowY(b), b, s.Delta[b, j], $"D{s.K}:{b}:{j}", Palette.Gradient);
            else Value(c, trace, box.Left, box.RowY(b), b, s.L[b, j], $"L{s.K}:{b}:{j}");
            if (!activated) continue;
            if (backward) Value(c, trace, box.Left + NetworkLayout.PartWidth, box.RowY(b), b, s.DH[b, j], $"dH{s.K}:{b}:{j}", Palette.Gradient);
            else Value(c, trace, box.Left + NetworkLayout.PartWidth, box.RowY(b), b, s.H[b, j], $"H{s.K}:{b}:{j}");
        }
        var bias = backward
            ? new[] { new Span($"∂E/∂b{k}{u} = ", null, Palette.Muted), new Span(Notation.Number(s.DB[0, j]), $"dB{s.K}:0:{j}", Palette.Gradient) }
            : [new Span($"b{k}{u} = ", null, Palette.Muted), new Span(Notation.Number(s.B[0, j]), $"B{s.K}:0:{j}", Palette.Ink)];
        c.Text(mid, box.Top + box.Height + 13, 10, "middle", bias);
    }

    private static void LossNode(SvgCanvas c, Trace trace, NetworkLayout.Box box, bool backward)
    {
        c.Rect(box.Left, box.Top, box.Width, box.Height, Palette.LossFill, Palette.NodeStroke, 8, 1.2);
        c.Text(box.Left + box.Width / 2, box.Top + 14, 11, "E (" + trace.LossName + ")", "middle", bold: true);
        c.Text(box.Left + box.Width / 2, box.Top + box.Height / 2 + 12, 12, "middle",
            backward ? [new Span("∂E/∂E = 1", null, Palette.Gradient)] : [new Span(Notation.Number(trace.Loss), "E:0:0", Palette.Ink, true)]);
    }

    private static void Frame(SvgCanvas c, NetworkLayout.Box box, bool split)
    {
        c.Rect(box.Left, box.Top, box.Width, box.Height, Palette.NodeFill, Palette.NodeStroke, 8, 1.2);
        if (split) c.Line(box.Left + NetworkLayout.PartWidth, box.Top + 4, box.Left + NetworkLayout.PartWidth, box.Top + box.Height - 4, Palette.Faded, 1);
    }

    /// <summary>One example's value: a swatch in that example's shade, then the number.</summary>
    private static void Value(SvgCanvas c, Trace trace, double left, double y, int b, double v, string reference, string fill = Palette.Ink)
    {
        c.Rect(left + 8, y - 8, 8, 8, Palette.Example(b, trace.Batch), rx: 2);
        c.Text(left + 21, y, Font, "start", new Span(Notation.Number(v), reference, fill));
    }

    /// <summary>Lines of text on a white card, centred on (x, y), so they stay legible over the edges.</summary>
    internal static void Label(SvgCanvas c, double x, double y, params Span[][] lines)
    {
        double w = lines.Max(l => TextWidth(string.Concat(l.Select(s => s.Text)), Font)) + 8, h = lines.Length * 13 + 4;
        c.Rect(x - w / 2, y - h / 2, w, h, "white", "#e3e3e3", 3, 0.8, 0.92);
        for (int i = 0; i < lines.Length; i++) c.Text(x, y - h / 2 + 12 + i * 13, Font, "middle", lines[i]);
    }

    /// <summary>
    /// The batch's colours, four examples to a row so that a batch of 8 stays inside the picture's width;
    /// returns the baseline of the last row.
    /// </summary>
    internal static double Legend(SvgCanvas c, Trace trace, double y)
    {
        const int PerRow = 4;
        for (int b = 0; b < trace.Batch; b++)
        {
            double x = b % PerRow * 190, row = y + b / PerRow * 18;
            c.Group(() =>
            {
                c.Rect(x, row - 9, 10, 10, Palette.Example(b, trace.Batch), rx: 2);
                c.Text(x + 14, row, 11, $"example {b + 1} (row {b + 1} of X)");
            }, ("data-legend", (b + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return y + (trace.Batch - 1) / PerRow * 18;
    }

    internal static void PathList(SvgCanvas c, PathSum sum, double y)
    {
        c.Text(0, y, 12, PathsHeading(sum), bold: true);
        int n = 1;
        foreach (var p in sum.Listed)
        {
            y += 16;
            var spans = new List<Span> { new($"{n++}. example {p.Example + 1}: ", null, Palette.ExampleText(p.Example)) };
            foreach (var f in p.Factors)
            {
                if (spans.Count > 1) spans.Add(new Span(" × ", null, Palette.Muted));
                spans.Add(new Span($"{f.Symbol} ", null, Palette.Muted));
                spans.Add(new Span(Notation.Number(f.Value), f.Ref));
            }
            spans.Add(new Span(" = "));
            spans.Add(new Span(Notation.Number(p.Product), p.Ref, Palette.HighlightText, true));
            c.Text(0, y, 11, "start", [.. spans]);
        }
        y += 20;
        c.Text(0, y, 12, "start", new Span($"sum over all {sum.Count} paths = "), new Span(Notation.Number(sum.Total), null, Palette.HighlightText, true),
            new Span($"     matrix result {PathSumText.MatrixName(sum.Target)} = "), new Span(Notation.Number(sum.MatrixValue), sum.Target.GradientRef, Palette.Gradient, true));
    }

    private static string PathsHeading(PathSum sum) => sum.Complete
        ? $"The {sum.Count} path(s) to {sum.Target.Symbol}, each the product of the local derivatives along it:"
        : $"The {sum.Listed.Count} largest of {sum.Count} paths to {sum.Target.Symbol}:";

    /// <summary>Ids of the nodes and edges some path to the target runs along.</summary>
    internal static HashSet<string> Highlighted(Trace trace, PathTarget target)
    {
        var lit = new HashSet<string> { "E" };
        int n = trace.Stages.Count;
        int first = target.FirstStage;
        var reached = new HashSet<int>();
        switch (target.What)
        {
            case PathTarget.Kind.Weight:
                lit.Add(target.Layer == 1 ? $"X:{target.Row}" : $"U{target.Layer - 1}:{target.Row}");
                lit.Add($"W{target.Layer}:{target.Row}:{target.Col}");
                reached.Add(target.Col);
                break;
            case PathTarget.Kind.Bias:
                reached.Add(target.Col);
                break;
            default:
                lit.Add($"X:{target.Col}");
                for (int j = 0; j < trace.Stages[0].Units; j++) { lit.Add($"W1:{target.Col}:{j}"); reached.Add(j); }
                break;
        }
        for (int k = first; k <= n; k++)
        {
            foreach (int u in reached) lit.Add($"U{k}:{u}");
            if (k == n) { foreach (int u in reached) lit.Add($"Y:{u}"); break; }
            var next = new HashSet<int>();
            foreach (int u in reached)
                for (int m = 0; m < trace.Stages[k].Units; m++) { lit.Add($"W{k + 1}:{u}:{m}"); next.Add(m); }
            reached = next;
        }
        return lit;
    }
}
