using Backprop.Explain.Paths;
using Backprop.Tensors;
using static Backprop.Explain.Svg.SvgCanvas;

namespace Backprop.Explain.Svg;

/// <summary>
/// Large networks as blocks instead of a hairball: one block per layer with its shapes and norms
/// (‖W‖, ‖dW‖, ‖Δ‖) and a sample of its units (the first few and the last) for the first example.
/// </summary>
internal static class BlockDiagram
{
    private const double BlockWidth = 190, Gap = 70, Top = 70, Sample = 4;

    public static string Draw(Trace trace, bool backward, PathSum? paths)
    {
        var c = new SvgCanvas();
        string title = paths is not null ? $"Paths from the loss to {paths.Target.Symbol} (layers as blocks)"
            : backward ? "Backward pass, layer by layer (too many units to draw one by one)" : "Forward pass, layer by layer (too many units to draw one by one)";
        c.Text(0, 22, 16, title, bold: true);
        c.Text(0, 42, 11, $"Batch of {trace.Batch}; ‖·‖ is the Frobenius norm; unit values are those of example 1.", fill: Palette.Muted);
        int firstLit = paths?.Target.FirstStage ?? 1;
        double x = 0, height = 250;
        var inputs = backward ? trace.Stages[0].DInput : trace.X;
        c.Group(() => Layer(c, 0, [$"inputs X  {trace.X.Shape}", backward ? "‖∂E/∂X‖ = " : "‖X‖ = "], ["", backward ? "|dX|" : "|X|"],
            trace, inputs, backward ? "dX" : "X", "input", height), Lit(("data-node", "X"), paths is null || paths.Target.What == PathTarget.Kind.Input));
        foreach (var s in trace.Stages)
        {
            bool lit = paths is null || s.K >= firstLit;
            c.Group(() => c.Line(x + BlockWidth, Top + height / 2, x + BlockWidth + Gap - 2, Top + height / 2, backward ? Palette.Gradient : Palette.Edge, 2, arrow: true),
                Lit(("data-edge", $"block{s.K}"), lit));
            x += BlockWidth + Gap;
            string k = Notation.Sup(s.K);
            var lines = new List<string> { $"layer {s.K}: dense {s.Inputs}→{s.Units}" + (s.Activation is { } a ? $", {a}" : ""), $"W{k}  {s.W.Shape}   ‖W{k}‖ = " };
            var refs = new List<string> { "", $"|W{s.K}|" };
            if (backward) { lines.Add($"‖∂E/∂W{k}‖ = "); refs.Add($"|dW{s.K}|"); lines.Add($"Δ{k}  {s.Delta.Shape}   ‖Δ{k}‖ = "); refs.Add($"|D{s.K}|"); }
            else { lines.Add($"L{k}  {s.L.Shape}   ‖L{k}‖ = "); refs.Add($"|L{s.K}|"); lines.Add($"H{k}  {s.H.Shape}   ‖H{k}‖ = "); refs.Add($"|H{s.K}|"); }
            double bx = x;
            c.Group(() => Layer(c, bx, lines, refs, trace, backward ? s.Delta : s.H, backward ? $"D{s.K}" : $"H{s.K}", "unit", height), Lit(("data-node", $"layer{s.K}"), lit));
        }
        c.Group(() => c.Line(x + BlockWidth, Top + height / 2, x + BlockWidth + Gap - 2, Top + height / 2, backward ? Palette.Gradient : Palette.Edge, 2, arrow: true), ("data-edge", "loss"));
        x += BlockWidth + Gap;
        double ex = x;
        c.Group(() =>
        {
            c.Rect(ex, Top + height / 2 - 30, 120, 60, Palette.LossFill, Palette.NodeStroke, 8, 1.2);
            c.Text(ex + 60, Top + height / 2 - 8, 12, $"E ({trace.LossName})", "middle", bold: true);
            c.Text(ex + 60, Top + height / 2 + 14, 12, "middle", new Span(Notation.Number(trace.Loss), "E:0:0", Palette.Ink, true));
        }, ("data-node", "E"));
        double y = NetworkDiagram.Legend(c, trace, Top + height + 36);
        if (paths is not null) NetworkDiagram.PathList(c, paths, y + 34);
        return c.ToSvg(title);
    }

    private static (string, string)[] Lit((string, string) id, bool lit) => lit ? [id] : [id, ("opacity", "0.22")];

    /// <summary>A block: its lines of text (each followed by the value its trace reference names, if any), then a sample of its units for example 1.</summary>
    private static void Layer(SvgCanvas c, double x, List<string> lines, List<string> refs, Trace trace, Matrix<double> values, string key, string unitName, double height)
    {
        c.Rect(x, Top, BlockWidth, height, Palette.NodeFill, Palette.NodeStroke, 10, 1.2);
        for (int i = 0; i < lines.Count; i++)
        {
            var spans = new List<Span> { new(lines[i], null, i == 0 ? Palette.Ink : Palette.Muted, i == 0) };
            if (refs[i].Length > 0) spans.Add(new Span(Notation.Number(trace.Resolve(refs[i])), refs[i], Palette.Ink, true));
            c.Text(x + 10, Top + 20 + i * 16, 10.5, "start", [.. spans]);
        }
        // A sample of units: the first few, an ellipsis, the last.
        int n = values.Cols;
        var shown = n <= Sample + 1 ? Enumerable.Range(0, n).ToList() : [.. Enumerable.Range(0, (int)Sample), n - 1];
        double y = Top + 30 + lines.Count * 16;
        foreach (int u in shown)
        {
            if (u == n - 1 && n > Sample + 1) { c.Text(x + BlockWidth / 2, y + 2, 12, "⋮", "middle", Palette.Muted); y += 16; }
            c.Circle(x + 22, y, 6, Palette.Example(0, trace.Batch), Palette.NodeStroke, 0.8);
            c.Text(x + 36, y + 4, 10.5, "start", new Span($"{unitName} {u + 1}: ", null, Palette.Muted), new Span(Notation.Number(values[0, u]), $"{key}:0:{u}"));
            y += 18;
        }
    }
}
