using System.Numerics;

namespace Backprop.Explain.Paths;

/// <summary>
/// The second article's view of a gradient: follow every path from the loss through the outputs and the
/// hidden units (and, as the first article adds, through every example of the batch) down to one weight,
/// multiply the local derivatives along each (σ′ included), and add. Reads only W, σ′, the inputs and ∂E/∂Y
/// from the trace; the matrix gradient is shown beside the result, never used to make it.
/// </summary>
public static class PathSums
{
    /// <param name="listAll">list every path when there are at most this many</param>
    /// <param name="top">otherwise, list this many with the largest |product|</param>
    /// <summary>The gradient of <paramref name="target"/> as a sum over every path from it to the loss.</summary>
    /// <param name="trace">The recorded pass.</param>
    /// <param name="target">The weight, bias or input.</param>
    public static PathSum Explain(Trace trace, PathTarget target, int listAll = 64, int top = 10)
    {
        var examples = target.What == PathTarget.Kind.Input ? [target.Row] : Enumerable.Range(0, trace.Batch).ToArray();
        BigInteger count = examples.Length;
        if (target.What == PathTarget.Kind.Input) count *= trace.Stages[0].Units;
        for (int s = target.FirstStage; s < trace.Stages.Count; s++) count *= trace.Stages[s].Units;
        int keep = count <= listAll ? (int)count : top;

        var listed = new List<GradientPath>();
        double total = 0;
        foreach (int b in examples)
        {
            listed.AddRange(LargestPaths(trace, target, b, keep));
            total += ExactTotal(trace, target, b);
        }
        var chosen = count <= listAll
            ? listed.OrderBy(p => p.Example).ThenBy(p => string.Join(",", p.Units.Select(u => u.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)))).ToList()
            : listed.OrderByDescending(p => Math.Abs(p.Product)).Take(top).ToList();
        return new PathSum(target, count, chosen, total, trace.Resolve(target.GradientRef));
    }

    /// <summary>
    /// The <paramref name="keep"/> paths of example b with the largest |product|. Exact: all paths through a
    /// unit share what follows it, so the best complete paths extend the best partial ones at every unit.
    /// </summary>
    private static List<GradientPath> LargestPaths(Trace trace, PathTarget target, int b, int keep)
    {
        var stages = trace.Stages;
        int first = target.FirstStage - 1;
        // Partial paths ending at the linear part of a unit of stages[first].
        var frontier = new List<GradientPath>();
        if (target.What == PathTarget.Kind.Weight)
        {
            var s = stages[first];
            frontier.Add(new GradientPath(b, [InputFactor(s, b, target.Row)], [target.Col]));
        }
        else if (target.What == PathTarget.Kind.Bias)
        {
            frontier.Add(new GradientPath(b, [], [target.Col]));
        }
        else
        {
            for (int j = 0; j < stages[0].Units; j++) frontier.Add(new GradientPath(b, [WeightFactor(1, target.Col, j, stages[0].W)], [j]));
        }
        for (int si = first; si < stages.Count; si++)
        {
            var s = stages[si];
            var next = new List<GradientPath>();
            foreach (var p in frontier)
            {
                int u = p.Units[^1];
                var factors = p.Factors.ToList();
                if (s.SigmaPrime is { } sp) factors.Add(new PathFactor($"σ′(l{Notation.Sup(s.K)}{Notation.Sub(u + 1)})", $"S{s.K}:{b}:{u}", sp[b, u]));
                if (si == stages.Count - 1)
                {
                    factors.Add(new PathFactor(OutputSymbol(trace, u), $"dY:{b}:{u}", trace.LossGradient[b, u]));
                    next.Add(p with { Factors = factors });
                    continue;
                }
                var w = stages[si + 1].W;
                for (int m = 0; m < w.Cols; m++)
                    next.Add(new GradientPath(b, [.. factors, WeightFactor(s.K + 1, u, m, w)], [.. p.Units, m]));
            }
            // Keep the best few per unit reached; at the end, the best few overall.
            frontier = next.GroupBy(p => si == stages.Count - 1 ? -1 : p.Units[^1])
                .SelectMany(g => g.OrderByDescending(p => Math.Abs(p.Product)).Take(keep)).ToList();
        }
        return frontier;
    }

    /// <summary>The sum over every path of example b, by dynamic programming from the loss down (exact however many paths there are).</summary>
    private static double ExactTotal(Trace trace, PathTarget target, int b)
    {
        var stages = trace.Stages;
        double[] below = Enumerable.Range(0, stages[^1].Units).Select(m => trace.LossGradient[b, m]).ToArray();
        for (int si = stages.Count - 1; si >= target.FirstStage - 1; si--)
        {
            var s = stages[si];
            // below[u]: sum over paths from unit u's activated part (or its output) up to the loss.
            var atLinear = new double[s.Units];
            for (int u = 0; u < s.Units; u++) atLinear[u] = below[u] * (s.SigmaPrime?[b, u] ?? 1);
            if (si == target.FirstStage - 1) { below = atLinear; break; }
            var w = s.W;
            var prev = new double[s.Inputs];
            for (int i = 0; i < s.Inputs; i++)
                for (int u = 0; u < s.Units; u++) prev[i] += w[i, u] * atLinear[u];
            below = prev;
        }
        var start = stages[target.FirstStage - 1];
        return target.What switch
        {
            PathTarget.Kind.Weight => start.Input[b, target.Row] * below[target.Col],
            PathTarget.Kind.Bias => below[target.Col],
            _ => Enumerable.Range(0, start.Units).Sum(j => start.W[target.Col, j] * below[j]),
        };
    }

    private static PathFactor InputFactor(Stage s, int b, int i) =>
        new(s.K == 1 ? $"x{Notation.Sub(i + 1)}" : $"h{Notation.Sup(s.K - 1)}{Notation.Sub(i + 1)}", $"{s.InputKey}:{b}:{i}", s.Input[b, i]);

    private static PathFactor WeightFactor(int k, int i, int j, Tensors.Matrix<double> w) =>
        new($"w{Notation.Sup(k)}{Notation.Sub(i + 1, j + 1)}", $"W{k}:{i}:{j}", w[i, j]);

    private static string OutputSymbol(Trace trace, int m) =>
        trace.LossName == "half_sse" ? $"δ{Notation.Sub(m + 1)}" : $"∂E/∂y{Notation.Sub(m + 1)}";
}
