using System.Text.Json.Nodes;
using Backprop.Explain;
using Backprop.Explain.Svg;
using Backprop.Playground.Analysis;

namespace Backprop.Playground.Walk;

/// <summary>
/// The third article's single-node pictures (I, L, A, O, σ, σ′) of one unit of the current problem, drawn by the
/// same code as <c>backprop diagram node-forward|node-backward --node K:J</c>.
/// </summary>
internal static class NodePicture
{
    /// <summary>
    /// <c>{"svg": "..."}</c> for <c>layer</c>, <c>unit</c> (from 1) and <c>direction</c> (forward or backward) in
    /// <paramref name="query"/>: JSON like every other answer, so that both transports carry it the same way.
    /// </summary>
    public static string Draw(Trace trace, string? query)
    {
        var q = new StudyQuery(query);
        int layer = q.Int("layer", 1, 1, trace.Stages.Count);
        int unit = q.Int("unit", 1, 1, trace.Stages[layer - 1].Units);
        string direction = q.Choice("direction", "forward", ["forward", "backward"]);
        string svg = Diagrams.Draw(trace, direction == "forward" ? DiagramKind.NodeForward : DiagramKind.NodeBackward, node: (layer, unit - 1));
        return new JsonObject { ["svg"] = svg }.ToJsonString();
    }
}
