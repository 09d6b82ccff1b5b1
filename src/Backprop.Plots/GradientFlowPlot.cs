using Backprop.Analysis;
using ScottPlot;

namespace Backprop.Plots;

/// <summary>Left: log ‖Δ_l‖ against layer, at initialization and after training epochs. Right: the backward factors at initialization.</summary>
public static class GradientFlowPlot
{
    public static void Save(string path, IReadOnlyList<GradientFlowEpoch> history)
    {
        var norms = Figure.Panel("‖Δ‖ per layer (output layer on the right)", "dense layer k", "‖Δᵏ‖ = ‖∂E/∂Lᵏ‖");
        foreach (var e in Pick(history))
        {
            var layers = e.Flow.Layers;
            Figure.Line(norms, layers.Select(l => (double)l.Layer), layers.Select(l => Math.Log10(l.DeltaNorm)), e.Epoch == 0 ? "at init" : $"after epoch {e.Epoch}");
        }
        Figure.LogY(norms);
        Figure.IntegerX(norms);
        Figure.LegendBelow(norms);

        var flow = history[0].Flow.Layers;
        var factors = Figure.Panel("backward factors at init: Δᵏ = Δᵏ⁺¹·Wᵏ⁺¹ᵀ ∘ σ′(Lᵏ)", "dense layer k", "factor");
        var xs = flow.Select(l => (double)l.Layer).ToArray();
        Figure.Line(factors, xs, flow.Select(l => Math.Log10(l.MeasuredRatio)), "measured ‖Δ(l)‖ / ‖Δ(l+1)‖");
        Figure.Line(factors, xs, flow.Select(l => Math.Log10(l.RatioBound)), "bound ‖W(l+1)‖₂ · max σ′").LinePattern = LinePattern.Dashed;
        Figure.Line(factors, xs, flow.Select(l => Math.Log10(l.WeightFactor)), "weight factor ‖Δ(l+1)·W(l+1)^T‖ / ‖Δ(l+1)‖");
        Figure.Line(factors, xs, flow.Select(l => Math.Log10(l.DerivativeFactor)), "σ′ factor");
        Figure.LogY(factors);
        Figure.IntegerX(factors);
        Figure.LegendBelow(factors);
        Figure.Save(path, norms, factors);
    }

    /// <summary>Init, the last epoch, and up to three between.</summary>
    private static IEnumerable<GradientFlowEpoch> Pick(IReadOnlyList<GradientFlowEpoch> history)
    {
        if (history.Count <= 5) return history;
        return new[] { 0, history.Count / 4, history.Count / 2, 3 * history.Count / 4, history.Count - 1 }.Distinct().Select(i => history[i]);
    }
}
