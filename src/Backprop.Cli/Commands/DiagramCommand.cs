using System.CommandLine;
using System.Globalization;
using Backprop.Explain.Svg;
using Backprop.IO;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop diagram</c>: one SVG picture of a batch going through the network (forward, backward, one node, or the paths to one weight).</summary>
internal static class DiagramCommand
{
    public static Command Create()
    {
        var source = new TraceSource();
        var kind = new Option<string>("--kind") { Description = $"one of: {string.Join(", ", DiagramKinds.Names)}", DefaultValueFactory = _ => "forward" };
        var output = new Option<string>("--out") { Description = "the SVG file to write", Required = true };
        var weight = new Option<string?>("--weight") { Description = "for --kind paths: LAYER:I:J from 1 (default 1:1:1)" };
        var bias = new Option<string?>("--bias") { Description = "for --kind paths: LAYER:J" };
        var input = new Option<string?>("--input") { Description = "for --kind paths: EXAMPLE:I" };
        var node = new Option<string?>("--node") { Description = "for node-forward/node-backward: LAYER:UNIT from 1 (default 1:1)" };
        var command = new Command("diagram", "Draw a batch going through the network as a self-contained SVG.") { kind, output, weight, bias, input, node };
        source.AddTo(command);
        command.SetAction(r =>
        {
            var diagramKind = DiagramKinds.Parse(r.GetValue(kind)!);
            var trace = source.Record(r);
            var target = PathTargetOption.Parse(trace, r.GetValue(weight), r.GetValue(bias), r.GetValue(input));
            string svg = Diagrams.Draw(trace, diagramKind, target, ParseNode(r.GetValue(node)));
            AtomicFile.WriteAllText(r.GetValue(output)!, svg);
            return 0;
        });
        return command;
    }

    /// <summary>"2:3" → layer 2, unit index 2 (0-based).</summary>
    public static (int K, int J)? ParseNode(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 1
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int j) && j >= 1)
            return (k, j - 1);
        throw new BackpropException($"--node '{text}': expected LAYER:UNIT such as 1:2 (numbers from 1)");
    }
}
