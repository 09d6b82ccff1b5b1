using Backprop.Analysis;
using ScottPlot;

namespace Backprop.Plots;

/// <summary>Left: log ‖Δ_l‖/‖Δ_L‖ against layer for the deepest networks of the sweep. Right: ‖Δ_1‖/‖Δ_L‖ against depth.</summary>
public static class DepthSweepPlot
{
    public static void Save(string path, IReadOnlyList<SweepResult> results)
    {
        int deepest = results.Max(r => r.Depth);
        var layers = Figure.Panel($"‖Δᵏ‖ / ‖Δ of the output layer‖ at init, {deepest} layers", "dense layer k", "share of the output gradient");
        foreach (var r in results.Where(r => r.Depth == deepest))
            Style(Figure.Line(layers, Enumerable.Range(1, r.Depth).Select(i => (double)i), r.DeltaNorms.Select(d => Math.Log10(d / r.DeltaNorms[^1])), $"{r.Activation}, {r.Init}"), r);
        Figure.LogY(layers);
        Figure.IntegerX(layers);
        Figure.LegendBelow(layers);

        var depth = Figure.Panel("‖Δ¹‖ / ‖Δ of the output layer‖ against depth", "dense layers", "share reaching layer 1");
        foreach (var group in results.GroupBy(r => (r.Activation, r.Init)))
        {
            var rs = group.OrderBy(r => r.Depth).ToArray();
            Style(Figure.Line(depth, rs.Select(r => (double)r.Depth), rs.Select(r => Math.Log10(r.FirstToLast)), $"{group.Key.Activation}, {group.Key.Init}"), rs[0]);
        }
        Figure.LogY(depth);
        Figure.IntegerX(depth);
        Figure.LegendBelow(depth);
        Figure.Save(path, layers, depth);
    }

    /// <summary>Colour by activation, line pattern by initialization, so nine lines stay readable.</summary>
    private static void Style(ScottPlot.Plottables.Scatter line, SweepResult r)
    {
        line.Color = r.Activation switch { "sigmoid" => Colors.Crimson, "tanh" => Colors.SteelBlue, _ => Colors.ForestGreen };
        line.LinePattern = r.Init switch { "naive" => LinePattern.Dotted, "xavier" => LinePattern.Solid, _ => LinePattern.Dashed };
        line.MarkerSize = 4;
    }
}
