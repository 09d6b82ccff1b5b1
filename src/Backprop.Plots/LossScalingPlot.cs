using Backprop.Analysis;
using ScottPlot;

namespace Backprop.Plots;

/// <summary>Left: share of gradient values lost to zero per layer, without and with loss scaling. Right: test loss curves.</summary>
public static class LossScalingPlot
{
    public static void Save(string path, string format, double scale, IReadOnlyList<LayerUnderflow> underflow, IReadOnlyList<PrecisionRun> runs)
    {
        var lost = Figure.Panel($"gradients flushed to zero in {format}", "layer l", "% of non-zero fp32 values");
        var xs = underflow.Select(u => (double)u.Layer).ToArray();
        Figure.Line(lost, xs, underflow.Select(u => 100 * u.WeightGradientUnscaled), "∂E/∂W, no scaling").Color = Colors.Crimson;
        Figure.Line(lost, xs, underflow.Select(u => 100 * u.DeltaUnscaled), "Δ, no scaling").Color = Colors.Orange;
        Figure.Line(lost, xs, underflow.Select(u => 100 * u.WeightGradientScaled), $"∂E/∂W, scale {scale:G6}").Color = Colors.SteelBlue;
        Figure.Line(lost, xs, underflow.Select(u => 100 * u.DeltaScaled), $"Δ, scale {scale:G6}").Color = Colors.ForestGreen;
        Figure.IntegerX(lost);
        lost.Axes.SetLimitsY(-5, 105);
        Figure.LegendBelow(lost);

        var curves = Figure.Panel("test loss", "epoch", "loss");
        foreach (var run in runs)
            Figure.Line(curves, Enumerable.Range(0, run.Losses.Count).Select(e => (double)e), run.Losses, run.Label);
        Figure.IntegerX(curves);
        Figure.LegendBelow(curves);
        Figure.Save(path, lost, curves);
    }
}
