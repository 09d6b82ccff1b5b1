using System.CommandLine;
using Backprop.Explain.Paths;
using Backprop.Explain.Report;
using Backprop.Explain.Steps;
using Backprop.IO;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop report</c>: one self-contained HTML file with the diagrams, the equations and every step, to hand to a class.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var source = new TraceSource();
        var output = new Option<string>("--out") { Description = "the HTML file to write", Required = true };
        var weight = new Option<string?>("--weight") { Description = "the weight whose paths the report explains: LAYER:I:J from 1 (default 1:1:1)" };
        var node = new Option<string?>("--node") { Description = "the unit of the single-node pictures: LAYER:UNIT from 1 (default 1:1)" };
        var command = new Command("report", "Write a self-contained HTML report: diagrams, equations and every step of one batch.") { output, weight, node };
        source.AddTo(command);
        command.Options.Add(source.LearningRate);
        command.Options.Add(source.Steps);
        command.SetAction(r =>
        {
            var descent = source.Descend(r, r.GetValue(source.LearningRate), r.GetValue(source.Steps));
            var trace = descent.First;
            var target = r.GetValue(weight) is { } w ? PathTarget.Parse(PathTarget.Kind.Weight, w, trace) : new PathTarget(PathTarget.Kind.Weight, 1, 0, 0);
            var html = HtmlReport.Write(trace, StepTrace.Build(descent), PathSums.Explain(trace, target), diagrams: true, DiagramCommand.ParseNode(r.GetValue(node)));
            AtomicFile.WriteAllText(r.GetValue(output)!, html);
            return 0;
        });
        return command;
    }
}
