using System.CommandLine;
using System.Globalization;
using Backprop.Explain.Svg;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop diagram</c>: one SVG picture of a batch going through the network (forward, backward, one node, or the paths to one weight).</summary>
internal static class DiagramCommand
{
    public static Command Create()
    {
        var source = new TraceSource();
        var kind = new Option<string?>("--kind") { Description = $"one of: {string.Join(", ", DiagramKinds.Names)} (default forward)" };
        var kindWord = new Argument<string?>("kind") { Description = "the kind as a word, instead of --kind: backprop diagram backward", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--out") { Description = "the picture to write: .svg, .png or .pdf", Required = true };
        var weight = new Option<string?>("--weight") { Description = "for --kind paths: LAYER:I:J from 1 (default 1:1:1)" };
        var bias = new Option<string?>("--bias") { Description = "for --kind paths: LAYER:J" };
        var input = new Option<string?>("--input") { Description = "for --kind paths: EXAMPLE:I" };
        var node = new Option<string?>("--node") { Description = "for node-forward/node-backward: LAYER:UNIT from 1 (default 1:1)" };
        var large = new Option<bool>("--large") { Description = "for a projector: heavier lines, full-contrast text, and a PNG at three times the SVG's size" };
        var command = new Command("diagram", "Draw a batch going through the network as a self-contained SVG (or PNG, PDF).") { kindWord, kind, output, weight, bias, input, node, large };
        source.AddTo(command);
        command.SetAction(r =>
        {
            string? word = r.GetValue(kindWord), named = r.GetValue(kind);
            if (word is not null && named is not null && word != named) throw new BackpropException($"the kind is given twice: '{word}' and --kind {named}");
            var diagramKind = DiagramKinds.Parse(word ?? named ?? "forward");
            string outPath = r.GetValue(output)!;
            if (!Plots.DiagramRaster.Extensions.Contains(Path.GetExtension(outPath).ToLowerInvariant()))
                throw new BackpropException($"--out {outPath}: the format comes from the extension, one of {string.Join(", ", Plots.DiagramRaster.Extensions)}");
            foreach (var (option, value) in new[] { ("--weight", r.GetValue(weight)), ("--bias", r.GetValue(bias)), ("--input", r.GetValue(input)) })
                if (value is not null && diagramKind != DiagramKind.Paths)
                    throw new BackpropException($"{option} chooses the gradient of the paths diagram; the {DiagramKinds.Name(diagramKind)} diagram does not use it (use: diagram paths {option} {value})");
            if (r.GetValue(node) is { } n && diagramKind is not (DiagramKind.NodeForward or DiagramKind.NodeBackward))
                throw new BackpropException($"--node chooses the unit of the node-forward and node-backward diagrams; the {DiagramKinds.Name(diagramKind)} diagram does not use it");
            var trace = source.Record(r);
            var target = PathTargetOption.Parse(trace, r.GetValue(weight), r.GetValue(bias), r.GetValue(input));
            string svg = Diagrams.Draw(trace, diagramKind, target, ParseNode(r.GetValue(node)));
            bool projector = r.GetValue(large);
            Plots.DiagramRaster.Save(projector ? Projector.Adapt(svg) : svg, outPath, scale: projector ? 3 : 2);
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
