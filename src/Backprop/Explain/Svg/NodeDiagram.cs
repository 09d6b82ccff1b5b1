using static Backprop.Explain.Svg.SvgCanvas;

namespace Backprop.Explain.Svg;

/// <summary>
/// The third article's single-node pictures for unit j of layer k. Forward: inputs I weighted into the
/// linear part L, σ, the activated part A, weighted into the linear parts O of the next layer. Backward:
/// ∂c/∂O weighted back into ∂c/∂A, times σ′(L) gives ∂c/∂L, and ∂c/∂w = I·∂c/∂L for the incoming weights.
/// </summary>
internal static class NodeDiagram
{
    private const double W = 96, Gap = 190, MaxShown = 8;

    public static string Draw(Trace trace, int k, int j, bool backward)
    {
        if (k < 1 || k > trace.Stages.Count) throw new BackpropException("node", $"node {k}:{j + 1}: the network has {trace.Stages.Count} dense layers");
        var s = trace.Stages[k - 1];
        if (j < 0 || j >= s.Units) throw new BackpropException("node", $"node {k}:{j + 1}: dense layer {k} has {s.Units} units");
        var c = new SvgCanvas();
        int n = trace.Batch;
        string sk = Notation.Sup(k), u = Notation.Sub(j + 1);
        bool last = k == trace.Stages.Count, activated = s.SigmaPrime is not null;
        string title = backward ? $"Backward through one node: unit {j + 1} of layer {k}" : $"Forward through one node: unit {j + 1} of layer {k}";
        c.Text(0, 22, 16, title, bold: true);
        c.Text(0, 42, 11, backward
            ? $"c is the cost (E). The node receives ∂c/∂O from the linear parts O it feeds, weights them, multiplies by {(activated ? Notation.Derivative(s.Activation) : "1 (no activation)")} and passes ∂c/∂L down."
            : "I: inputs of the node, L: its linear part, A: activated part, O: linear parts of the next layer (the third article's notation).", fill: Palette.Muted);
        c.Text(0, 58, 11, $"In the first article's notation: I = {(k == 1 ? "X" : "H" + Notation.Sup(k - 1))}, L = L{sk}, A = H{sk}, O = L{Notation.Sup(k + 1)}, c = E, ∂c/∂L = Δ{sk}.", fill: Palette.Muted);
        double top = 80, height = 22 + n * 15 + 8;

        // Column 1: the inputs I and the incoming weights.
        var shown = Enumerable.Range(0, s.Inputs).Take((int)MaxShown).ToArray();
        double colHeight = shown.Length * (height + 26);
        double midY = top + Math.Max(colHeight, height * 3) / 2;
        double lx = W + Gap, ax = lx + W + 130, ox = ax + W + Gap;
        for (int r = 0; r < shown.Length; r++)
        {
            int i = shown[r];
            double y = midY - colHeight / 2 + r * (height + 26);
            c.Group(() =>
            {
                ValueBox(c, 0, y, height, $"I{Notation.Sub(i + 1)} = {(k == 1 ? "x" : "h" + Notation.Sup(k - 1))}{Notation.Sub(i + 1)}", n,
                    b => (s.Input[b, i], $"{s.InputKey}:{b}:{i}"), Palette.Ink);
            }, ("data-node", $"I:{i}"));
            c.Group(() =>
            {
                c.Line(backward ? lx : W, backward ? midY : y + height / 2, backward ? W + 2 : lx - 2, backward ? y + height / 2 : midY, backward ? Palette.Gradient : Palette.Edge, 1.3, arrow: true);
                var label = new List<Span[]> { new[] { new Span($"w{sk}{Notation.Sub(i + 1, j + 1)} ", null, Palette.Muted), new Span(Notation.Number(s.W[i, j]), $"W{k}:{i}:{j}", Palette.Ink, true) } };
                if (backward) label.Add([new Span("∂c/∂w = ", null, Palette.Muted), new Span(Notation.Number(s.DW[i, j]), $"dW{k}:{i}:{j}", Palette.Gradient, true)]);
                NetworkDiagram.Label(c, W + Gap * 0.45, y + height / 2 + (midY - y - height / 2) * 0.45, [.. label]);
            }, ("data-edge", $"W{k}:{i}:{j}"));
        }
        if (s.Inputs > shown.Length) c.Text(W / 2, midY + colHeight / 2 + 6, 11, $"… and {s.Inputs - shown.Length} more inputs", "middle", Palette.Muted);

        // The node: L, σ, A (or L alone when no activation follows).
        c.Group(() =>
        {
            ValueBox(c, lx, midY - height / 2, height, backward ? $"∂c/∂L{sk}{u} = Δ" : $"L{sk}{u} = Σ I·w + b", n,
                b => backward ? (s.Delta[b, j], $"D{k}:{b}:{j}") : (s.L[b, j], $"L{k}:{b}:{j}"), backward ? Palette.Gradient : Palette.Ink);
            c.Text(lx + W / 2, midY + height / 2 + 14, 10, "middle", backward
                ? [new Span("∂c/∂b = ", null, Palette.Muted), new Span(Notation.Number(s.DB[0, j]), $"dB{k}:0:{j}", Palette.Gradient)]
                : [new Span("b = ", null, Palette.Muted), new Span(Notation.Number(s.B[0, j]), $"B{k}:0:{j}")]);
        }, ("data-node", $"L{k}:{j}"));
        double outX = lx + W;
        if (activated)
        {
            c.Group(() =>
            {
                ValueBox(c, ax, midY - height / 2, height, backward ? $"∂c/∂A{sk}{u}" : $"A{sk}{u} = {Notation.Function(s.Activation)}(L)", n,
                    b => backward ? (s.DH[b, j], $"dH{k}:{b}:{j}") : (s.H[b, j], $"H{k}:{b}:{j}"), backward ? Palette.Gradient : Palette.Ink);
            }, ("data-node", $"A{k}:{j}"));
            c.Group(() =>
            {
                if (backward) c.Line(ax, midY, lx + W + 2, midY, Palette.Gradient, 1.3, arrow: true);
                else c.Line(lx + W, midY, ax - 2, midY, Palette.Edge, 1.3, arrow: true);
                var lines = new List<Span[]> { new[] { new Span(backward ? $"× {Notation.Derivative(s.Activation)}(L)" : $"{Notation.Function(s.Activation)} ({s.Activation})", null, Palette.Muted) } };
                if (backward)
                    for (int b = 0; b < n; b++)
                        lines.Add([new Span(Notation.Number(s.SigmaPrime![b, j]), $"S{k}:{b}:{j}", Palette.ExampleText(b), true)]);
                NetworkDiagram.Label(c, (lx + W + ax) / 2, midY - 10 - lines.Count * 6.5, [.. lines]);
            }, ("data-edge", $"sigma{k}:{j}"));
            outX = ax + W;
        }
        else ox = lx + W + Gap;

        // Right: the linear parts O of the next layer, or the loss.
        if (last)
        {
            double ex = outX + Gap * 0.8;
            c.Group(() =>
            {
                c.Rect(ex, midY - height / 2, W, height, Palette.LossFill, Palette.NodeStroke, 8, 1.2);
                c.Text(ex + W / 2, midY - height / 2 + 14, 11, $"c = E ({trace.LossName})", "middle", bold: true);
                c.Text(ex + W / 2, midY + 10, 12, "middle", new Span(Notation.Number(trace.Loss), "E:0:0", Palette.Ink, true));
            }, ("data-node", "E"));
            c.Group(() =>
            {
                if (backward) c.Line(ex, midY, outX + 2, midY, Palette.Gradient, 1.3, arrow: true);
                else c.Line(outX, midY, ex - 2, midY, Palette.Edge, 1.3, arrow: true);
                var spans = new List<Span> { new(backward ? $"∂c/∂y{u} " : $"t{u} ", null, Palette.Muted) };
                for (int b = 0; b < n; b++)
                {
                    if (b > 0) spans.Add(new Span(" / ", null, Palette.Muted));
                    spans.Add(backward ? new Span(Notation.Number(trace.LossGradient[b, j]), $"dY:{b}:{j}", Palette.ExampleText(b), true)
                        : new Span(trace.TargetRef(b, j) is { } t ? Notation.Number(trace.Resolve(t)) : "–", trace.TargetRef(b, j), Palette.ExampleText(b), true));
                }
                NetworkDiagram.Label(c, (outX + ex) / 2, midY - 24, [.. spans]);
            }, ("data-edge", $"Y:{j}"));
        }
        else
        {
            var next = trace.Stages[k];
            var outs = Enumerable.Range(0, next.Units).Take((int)MaxShown).ToArray();
            double oh = outs.Length * (height + 26);
            for (int r = 0; r < outs.Length; r++)
            {
                int m = outs[r];
                double y = midY - oh / 2 + r * (height + 26);
                c.Group(() => ValueBox(c, ox, y, height, backward ? $"∂c/∂O{Notation.Sub(m + 1)}" : $"O{Notation.Sub(m + 1)} = L{Notation.Sup(k + 1)}{Notation.Sub(m + 1)}", n,
                    b => backward ? (next.Delta[b, m], $"D{k + 1}:{b}:{m}") : (next.L[b, m], $"L{k + 1}:{b}:{m}"), backward ? Palette.Gradient : Palette.Ink), ("data-node", $"O:{m}"));
                c.Group(() =>
                {
                    if (backward) c.Line(ox, y + height / 2, outX + 2, midY, Palette.Gradient, 1.3, arrow: true);
                    else c.Line(outX, midY, ox - 2, y + height / 2, Palette.Edge, 1.3, arrow: true);
                    NetworkDiagram.Label(c, outX + (ox - outX) * 0.55, midY + (y + height / 2 - midY) * 0.55,
                        [new Span($"w{Notation.Sup(k + 1)}{Notation.Sub(j + 1, m + 1)} ", null, Palette.Muted), new Span(Notation.Number(next.W[j, m]), $"W{k + 1}:{j}:{m}", Palette.Ink, true)]);
                }, ("data-edge", $"W{k + 1}:{j}:{m}"));
            }
            if (next.Units > outs.Length) c.Text(ox + W / 2, midY + oh / 2 + 6, 11, $"… and {next.Units - outs.Length} more", "middle", Palette.Muted);
        }
        double bottom = midY + Math.Max(colHeight, height * 3) / 2 + 36;
        if (backward)
            c.Text(0, bottom, 11, activated
                ? $"∂c/∂A = Σ over O of w·∂c/∂O;   ∂c/∂L = ∂c/∂A × {Notation.Derivative(s.Activation)}(L);   ∂c/∂w = I × ∂c/∂L, summed over the examples."
                : "No activation: ∂c/∂L = Σ over O of w·∂c/∂O;   ∂c/∂w = I × ∂c/∂L, summed over the examples.", fill: Palette.Muted);
        NetworkDiagram.Legend(c, trace, bottom + 24);
        return c.ToSvg(title);
    }

    private static void ValueBox(SvgCanvas c, double x, double y, double height, string header, int n, Func<int, (double Value, string Ref)> value, string fill)
    {
        c.Rect(x, y, W, height, Palette.NodeFill, Palette.NodeStroke, 8, 1.2);
        c.Text(x + W / 2, y + 15, 10.5, header, "middle", bold: true);
        for (int b = 0; b < n; b++)
        {
            var (v, r) = value(b);
            double row = y + 22 + b * 15 + 10;
            c.Rect(x + 8, row - 8, 8, 8, Palette.Example(b, n), rx: 2);
            c.Text(x + 21, row, 10.5, "start", new Span(Notation.Number(v), r, fill));
        }
    }
}
