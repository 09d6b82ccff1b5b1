using System.CommandLine;
using Backprop.Analysis;
using Backprop.Plots;
using Backprop.Tensors;
using Backprop.Training;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop analyze loss-scaling</c>: the share of gradient values that float16 flushes to zero, per layer,
/// without and with loss scaling; and the training curves of float32, 16 bits unscaled, and 16 bits scaled.
/// </summary>
internal static class AnalyzeLossScalingCommand
{
    private static readonly NetworkOptions Network = NetworkOptions.For(StudyDefaults.LossScaling);
    private static readonly Option<string> Format = new("--format") { Description = "fp16 or bf16", DefaultValueFactory = _ => "fp16" };
    private static readonly Option<string> LossScale = new("--loss-scale") { Description = "dynamic (starts at 65536) or a number", DefaultValueFactory = _ => "dynamic" };
    private static readonly Option<int> Epochs = new("--epochs") { Description = "training epochs per run", DefaultValueFactory = _ => StudyDefaults.LossScaling.Epochs };
    private static readonly Option<string> OptimizerName = new("--optimizer") { Description = "sgd, momentum, adam", DefaultValueFactory = _ => StudyDefaults.LossScaling.Optimizer };
    private static readonly Option<double> LearningRate = new("--lr") { Description = "learning rate", DefaultValueFactory = _ => StudyDefaults.LossScaling.LearningRate };

    public static Command Create()
    {
        var command = new Command("loss-scaling", "What loss scaling saves in float16: gradients lost to zero per layer, and training curves against float32.");
        Network.AddTo(command);
        foreach (var option in new Option[] { Format, LossScale, Epochs, OptimizerName, LearningRate }) command.Options.Add(option);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        string? outPath = r.GetValue(Network.Out);
        AnalyzeCommand.CheckPlotPath(outPath);
        var format = Training.Precision.Parse(r.GetValue(Format)!) is { IsMixed: true } mixed
            ? mixed.Storage
            : throw new BackpropException($"--format '{r.GetValue(Format)}': expected fp16 or bf16");
        string lossScale = r.GetValue(LossScale)!;
        var scaler = LossScaler.Parse(lossScale);
        var (train, test) = Network.LoadData(r);
        var spec = Network.Spec(r, train);
        var network = spec.Build<float>();
        var (x, t) = ProbeBatch.From(train, network, r.GetValue(Network.Batch));
        var underflow = GradientUnderflow.Measure(network, x, t, format, scaler.Scale);
        string optimizer = r.GetValue(OptimizerName)!;
        double lr = r.GetValue(LearningRate);
        var runs = PrecisionCurves.Run(spec, train, test, r.GetValue(Network.Batch), r.GetValue(Epochs), () => Optimizer<float>.Create(optimizer, lr),
            format, lossScale, r.GetValue(Network.Seed));

        string name = StorageFormats.Name(format);
        if (r.GetValue(Network.Json)) AnalyzeCommand.PrintJson(new { network = network.ToString(), format = name, scale = scaler.Scale, layers = underflow, runs });
        else Print(network.ToString(), name, scaler.Scale, underflow, runs);
        if (outPath is not null)
        {
            LossScalingPlot.Save(outPath, name, scaler.Scale, underflow, runs);
            if (!r.GetValue(Network.Json)) AnsiConsole.MarkupLineInterpolated($"wrote {outPath}");
        }
        return 0;
    }

    private static void Print(string network, string format, double scale, List<LayerUnderflow> layers, List<PrecisionRun> runs)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{network}[/]");
        AnsiConsole.MarkupLineInterpolated($"Gradient values non-zero in fp32 that {format} stores as zero (it flushes |g| < 2⁻²⁵ ≈ 3·10⁻⁸), on one batch at initialization, unscaled and scaled by {scale:G6}:");
        var table = new Table().AddColumns("layer", "median |∂E/∂W|", "∂E/∂W lost", "scaled", "Δ lost", "scaled");
        foreach (var l in layers)
            table.AddRow($"{l.Layer}", AnalyzeCommand.Number(l.MedianWeightGradient), Percent(l.WeightGradientUnscaled), Percent(l.WeightGradientScaled),
                Percent(l.DeltaUnscaled), Percent(l.DeltaScaled));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("Training from one seed (test loss; ∂E/∂W = 0: share of weight-gradient values the optimizer got as exact zeros, over all steps):");
        var curves = new Table().AddColumns("run", "at init", "final", "∂E/∂W = 0", "scale", "skipped");
        foreach (var run in runs)
            curves.AddRow(run.Label, $"{run.Losses[0]:F3}", $"{run.Losses[^1]:F3}", Percent(run.ZeroWeightGradients), $"{run.FinalScale:G6}", $"{run.SkippedSteps}");
        AnsiConsole.Write(curves);
    }

    private static string Percent(double share) => $"{100 * share:F1}%";
}
