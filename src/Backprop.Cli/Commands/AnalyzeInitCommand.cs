using System.CommandLine;
using System.Numerics;
using Backprop.Analysis;
using Backprop.Model;
using Backprop.Plots;
using Backprop.Training;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop analyze init</c>: forward and backward variances per layer for each initialization scheme,
/// measured next to the theory (fan_in·Var(W)·E[A²], fan_out·Var(W)·E[Δ²]), and the first epochs' loss.
/// </summary>
internal static class AnalyzeInitCommand
{
    private static readonly NetworkOptions Network = NetworkOptions.For(StudyDefaults.Init);
    private static readonly Option<string> Schemes = new("--schemes") { Description = "schemes to compare", DefaultValueFactory = _ => "naive,xavier,he" };
    private static readonly Option<int> Epochs = new("--epochs") { Description = "training epochs per scheme", DefaultValueFactory = _ => StudyDefaults.Init.Epochs };
    private static readonly Option<string> OptimizerName = new("--optimizer") { Description = "sgd, momentum, adam", DefaultValueFactory = _ => StudyDefaults.Init.Optimizer };
    private static readonly Option<double> LearningRate = new("--lr") { Description = "learning rate", DefaultValueFactory = _ => StudyDefaults.Init.LearningRate };
    private static readonly Option<string> Precision = new("--precision") { Description = "f32 or f64", DefaultValueFactory = _ => "f32" };

    public static Command Create()
    {
        var command = new Command("init", "What Xavier and He initialization change: variances per layer against theory, and the first epochs.");
        Network.AddTo(command);
        foreach (var option in new Option[] { Schemes, Epochs, OptimizerName, LearningRate, Precision }) command.Options.Add(option);
        command.SetAction(r => Inputs.IsDouble(r.GetValue(Precision)!) ? Run<double>(r) : Run<float>(r));
        return command;
    }

    private static int Run<T>(ParseResult r) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string? outPath = r.GetValue(Network.Out);
        AnalyzeCommand.CheckPlotPath(outPath);
        if (r.GetValue(Network.NetworkFile) is not null) throw new BackpropException("analyze init compares schemes on an MLP: give --layers or --depth/--width, not --network");
        string[] schemes = [.. r.GetValue(Schemes)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        foreach (var s in schemes) Initializer.Variance(s, 1, 1); // unknown names fail here, before any work
        var (train, _) = Network.LoadData(r);
        var sizes = Network.Sizes(r, train);
        string optimizer = r.GetValue(OptimizerName)!;
        double lr = r.GetValue(LearningRate);
        var results = InitComparison.Run<T>(train, sizes, r.GetValue(Network.Activation)!, r.GetValue(Network.Loss)!, schemes,
            r.GetValue(Network.Batch), r.GetValue(Epochs), () => Optimizer<T>.Create(optimizer, lr), r.GetValue(Network.Seed));

        if (r.GetValue(Network.Json)) AnalyzeCommand.PrintJson(results);
        else Print(results, string.Join("-", sizes), r.GetValue(Network.Activation)!);
        if (outPath is not null)
        {
            InitPlot.Save(outPath, results);
            if (!r.GetValue(Network.Json)) AnsiConsole.MarkupLineInterpolated($"wrote {outPath}");
        }
        return 0;
    }

    private static void Print(List<InitResult> results, string sizes, string activation)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{sizes} {activation}[/]:");
        AnsiConsole.WriteLine("theory: forward E[(Lᵏ)²] = fan_in·Var(W)·E[(Hᵏ⁻¹)²], backward E[(∂E/∂Hᵏ⁻¹)²] = fan_out·Var(W)·E[(Δᵏ)²] (means of squares over the batch; superscripts number the dense layers from 1).");
        AnsiConsole.WriteLine("l: layer; fan: fan in→out; Var(W): the scheme's variance; drawn: the variance of the weights drawn.");
        foreach (var result in results)
        {
            var table = new Table().Title($"{result.Scheme}").AddColumns("l", "fan", "Var(W)", "drawn",
                "E[[L²]]", "theory", "E[[(∂E/∂H)²]]", "theory"); // [[ ]]: literal brackets in Spectre markup
            foreach (var l in result.Layers)
                table.AddRow($"{l.Layer}", $"{l.FanIn}→{l.FanOut}", N(l.TargetWeightVariance), N(l.WeightVariance),
                    N(l.ForwardMeasured), N(l.ForwardTheory), N(l.BackwardMeasured), N(l.BackwardTheory));
            AnsiConsole.Write(table);
        }
        var losses = new Table().AddColumn("epoch");
        foreach (var result in results) losses.AddColumn(result.Scheme);
        for (int e = 0; e < results[0].EpochLosses.Count; e++)
            losses.AddRow([e == 0 ? "0 (init)" : $"{e}", .. results.Select(x => $"{x.EpochLosses[e]:F4}")]);
        AnsiConsole.MarkupLine("Training loss (epoch 0: at initialization; then the average over each epoch):");
        AnsiConsole.Write(losses);
    }

    private static string N(double x) => AnalyzeCommand.Number(x);
}
