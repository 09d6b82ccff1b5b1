using System.CommandLine;
using Backprop.Checking;
using Backprop.IO;
using Backprop.Tensors;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop gradcheck</c>: backpropagation against finite differences, in float64.</summary>
internal static class GradcheckCommand
{
    public static Command Create()
    {
        var network = new Option<string?>("--network") { Description = Inputs.NetworkDescription };
        var loss = Inputs.LossOverride();
        var example = new Option<string?>("--example") { Description = $"a built-in network and batch of the articles instead of files: {string.Join(", ", Explain.Examples.AllNames)}" };
        var inputs = new Option<string?>("--inputs") { Description = "CSV of inputs (random when left out)" };
        var targets = new Option<string?>("--targets") { Description = "CSV of targets (random when left out)" };
        var tolerance = new Option<double>("--tolerance") { Description = "largest relative error that passes", DefaultValueFactory = _ => 1e-6 };
        var command = new Command("gradcheck", "Compare every analytic gradient with central finite differences (float64).")
        {
            network, inputs, targets, example, tolerance, loss,
        };
        command.SetAction(r =>
        {
            var (spec, xRows, tRows) = Inputs.ReadProblem(r.GetValue(network), r.GetValue(inputs), r.GetValue(targets), r.GetValue(example), batchOptional: true, loss: r.GetValue(loss));
            var net = spec.Build<double>();
            var (x, t) = xRows is null ? RandomBatch.For(net, rows: 4, seed: 1) : (Matrix<double>.FromRows(xRows), Matrix<double>.FromRows(tRows!));
            if (x.Cols != net.Inputs) throw new BackpropException($"{r.GetValue(inputs) ?? "the example"} has {x.Cols} columns but the network takes {net.Inputs} inputs");
            var checks = GradientCheck.Run(net, x, t, includeInputs: true);
            double limit = r.GetValue(tolerance);

            var table = new Table().AddColumns("tensor", "values", "max abs error", "max rel error", "");
            // People count dense layers from 1 (W¹, W²), not by the position in the file's layer list.
            var dense = Enumerable.Range(0, net.Layers.Count).Where(i => net.Layers[i] is Layers.Dense<double>).ToList();
            string Name(TensorCheck c) => c.Parameter == "X" ? "inputs X"
                : $"{(c.Parameter == "W" ? "W" : "B")}{Explain.Notation.Sup(dense.IndexOf(c.Layer) + 1)} (dense layer {dense.IndexOf(c.Layer) + 1})";
            foreach (var c in checks)
                table.AddRow(Name(c), c.Count.ToString(), c.MaxAbsoluteError.ToString("0.00e+00"), c.MaxRelativeError.ToString("0.00e+00"),
                    c.MaxRelativeError <= limit ? "[green]ok[/]" : "[red]FAIL[/]");
            AnsiConsole.Write(table);
            bool pass = checks.All(c => c.MaxRelativeError <= limit);
            AnsiConsole.MarkupLine(pass
                ? $"[green]gradients match finite differences[/] (max relative error {checks.Max(c => c.MaxRelativeError):0.00e+00} ≤ {limit:0.##e+00})"
                : $"[red]gradient check failed[/]: max relative error {checks.Max(c => c.MaxRelativeError):0.00e+00} > {limit:0.##e+00}");
            return pass ? 0 : 1;
        });
        return command;
    }
}
