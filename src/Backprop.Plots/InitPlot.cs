using Backprop.Analysis;
using ScottPlot;

namespace Backprop.Plots;

/// <summary>Forward E[Z²] and backward E[dA²] per layer, measured (solid) next to theory (dashed), for each scheme; and the first epochs' loss.</summary>
public static class InitPlot
{
    public static void Save(string path, IReadOnlyList<InitResult> results)
    {
        var forward = Figure.Panel("forward: E[(Lᵏ)²] = fan_in · Var(W) · E[(Hᵏ⁻¹)²]", "dense layer k", "E[L²]");
        var backward = Figure.Panel("backward: E[(∂E/∂Hᵏ⁻¹)²] = fan_out · Var(W) · E[(Δᵏ)²]", "dense layer k", "E[(∂E/∂H)²]");
        var training = Figure.Panel("training loss, first epochs", "epoch", "loss");
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var color = palette.GetColor(i);
            var xs = r.Layers.Select(l => (double)l.Layer).ToArray();
            Figure.Line(forward, xs, r.Layers.Select(l => Math.Log10(l.ForwardMeasured)), $"{r.Scheme} measured").Color = color;
            Dashed(Figure.Line(forward, xs, r.Layers.Select(l => Math.Log10(l.ForwardTheory)), $"{r.Scheme} theory"), color);
            Figure.Line(backward, xs, r.Layers.Select(l => Math.Log10(l.BackwardMeasured)), $"{r.Scheme} measured").Color = color;
            Dashed(Figure.Line(backward, xs, r.Layers.Select(l => Math.Log10(l.BackwardTheory)), $"{r.Scheme} theory"), color);
            Figure.Line(training, Enumerable.Range(0, r.EpochLosses.Count).Select(e => (double)e), r.EpochLosses, r.Scheme).Color = color;
        }
        foreach (var p in new[] { forward, backward })
        {
            Figure.LogY(p);
            Figure.IntegerX(p);
            Figure.LegendBelow(p);
        }
        Figure.IntegerX(training);
        Figure.LegendBelow(training);
        Figure.Save(path, forward, backward, training);
    }

    private static void Dashed(ScottPlot.Plottables.Scatter line, Color color)
    {
        line.Color = color;
        line.LinePattern = LinePattern.Dashed;
        line.MarkerSize = 0;
    }
}
