using Backprop.Explain.Paths;

namespace Backprop.Explain.Svg;

/// <summary>Draws one kind of diagram for a trace; networks too wide to draw unit by unit become blocks.</summary>
public static class Diagrams
{
    /// <param name="target">the gradient whose paths a <see cref="DiagramKind.Paths"/> diagram shows (default w¹₁₁)</param>
    /// <param name="node">layer k (from 1) and unit j (from 0) for the single-node pictures (default the first hidden unit)</param>
    /// <summary>The SVG text of one diagram.</summary>
    /// <param name="trace">The recorded pass.</param>
    /// <param name="kind">Which diagram.</param>
    /// <param name="top">For paths: how many paths to draw when there are too many for all.</param>
    public static string Draw(Trace trace, DiagramKind kind, PathTarget? target = null, (int K, int J)? node = null, int top = 10)
    {
        bool large = NetworkLayout.TooLarge(trace);
        var (k, j) = node ?? (1, 0);
        switch (kind)
        {
            case DiagramKind.NodeForward: return NodeDiagram.Draw(trace, k, j, backward: false);
            case DiagramKind.NodeBackward: return NodeDiagram.Draw(trace, k, j, backward: true);
            case DiagramKind.Paths:
                var sum = PathSums.Explain(trace, target ?? new PathTarget(PathTarget.Kind.Weight, 1, 0, 0), top: top);
                return large ? BlockDiagram.Draw(trace, backward: false, sum) : NetworkDiagram.PathsTo(trace, sum);
            case DiagramKind.Backward: return large ? BlockDiagram.Draw(trace, backward: true, null) : NetworkDiagram.Backward(trace);
            default: return large ? BlockDiagram.Draw(trace, backward: false, null) : NetworkDiagram.Forward(trace);
        }
    }
}
