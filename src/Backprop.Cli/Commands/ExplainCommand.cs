using System.CommandLine;
using Backprop.Explain.Paths;
using Backprop.Explain.Report;
using Backprop.Explain.Steps;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop explain</c>: the forward pass and the five backward steps of every layer with the user's
/// numbers, each identity checked; or, with --weight/--bias/--input, one gradient as a sum over paths.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var source = new TraceSource();
        var format = new Option<string>("--format") { Description = "text, markdown, html or json", DefaultValueFactory = _ => "text" };
        var weight = new Option<string?>("--weight") { Description = "explain one weight as a path sum: LAYER:I:J from 1, e.g. 1:1:2 for w¹₁₂" };
        var bias = new Option<string?>("--bias") { Description = "explain one bias as a path sum: LAYER:J" };
        var input = new Option<string?>("--input") { Description = "explain one input gradient as a path sum: EXAMPLE:I" };
        var top = new Option<int>("--top") { Description = "when there are more than 64 paths, list this many of the largest", DefaultValueFactory = _ => 10 };
        var command = new Command("explain", "Walk forward and backward through one batch with its numbers, or explain one gradient as a sum over paths.")
        {
            format, weight, bias, input, top,
        };
        source.AddTo(command);
        command.Options.Add(source.LearningRate);
        command.Options.Add(source.Steps);
        command.SetAction(r =>
        {
            var descent = source.Descend(r, r.GetValue(source.LearningRate), r.GetValue(source.Steps));
            var trace = descent.First;
            var target = PathTargetOption.Parse(trace, r.GetValue(weight), r.GetValue(bias), r.GetValue(input));
            int topCount = r.GetValue(top);
            if (topCount < 1) throw new BackpropException("--top must be at least 1");
            var sum = target is null ? null : PathSums.Explain(trace, target, top: topCount);
            var steps = StepTrace.Build(descent);
            string f = r.GetValue(format)!;
            string output = f switch
            {
                "text" => sum is null ? TextTrace.Write(trace, steps, TextTrace.UseColour) : TextTrace.Write(sum, TextTrace.UseColour),
                "markdown" or "md" => sum is null ? MarkdownTrace.Write(trace, steps) : MarkdownTrace.Write(sum),
                "html" => HtmlReport.Write(trace, steps, sum, diagrams: false),
                "json" => JsonTrace.Write(trace, steps, sum),
                _ => throw new BackpropException($"unknown --format '{f}' (expected text, markdown, html or json)"),
            };
            Console.Out.Write(output);
            return steps.All(s => s.Check?.Passed ?? true) && (sum is null || sum.Difference <= 1e3 * trace.Epsilon * (1 + Math.Abs(sum.MatrixValue))) ? 0 : 2;
        });
        return command;
    }
}

/// <summary>At most one of --weight, --bias, --input names the gradient to explain.</summary>
internal static class PathTargetOption
{
    public static PathTarget? Parse(Explain.Trace trace, string? weight, string? bias, string? input)
    {
        int given = (weight is null ? 0 : 1) + (bias is null ? 0 : 1) + (input is null ? 0 : 1);
        if (given > 1) throw new BackpropException("give only one of --weight, --bias, --input");
        return weight is not null ? PathTarget.Parse(PathTarget.Kind.Weight, weight, trace)
            : bias is not null ? PathTarget.Parse(PathTarget.Kind.Bias, bias, trace)
            : input is not null ? PathTarget.Parse(PathTarget.Kind.Input, input, trace)
            : null;
    }
}
