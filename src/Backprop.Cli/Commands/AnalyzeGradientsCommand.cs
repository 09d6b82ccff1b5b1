using System.CommandLine;
using System.Numerics;
using Backprop.Analysis;
using Backprop.Plots;
using Backprop.Training;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop analyze gradients</c>: per-layer norms of A, Δ and dW at initialization and over training, with
/// the two factors (weights, σ′) that carry Δ from one layer to the one below; or, with --compare, the
/// built-in sweep over depth × activation × initialization.
/// </summary>
internal static class AnalyzeGradientsCommand
{
    private static readonly NetworkOptions Network = NetworkOptions.For(StudyDefaults.Gradients);
    private static readonly Option<int> Epochs = new("--epochs") { Description = "training epochs to follow (0: initialization only)", DefaultValueFactory = _ => StudyDefaults.Gradients.Epochs };
    private static readonly Option<string> OptimizerName = new("--optimizer") { Description = "sgd, momentum, adam", DefaultValueFactory = _ => StudyDefaults.Gradients.Optimizer };
    private static readonly Option<double> LearningRate = new("--lr") { Description = "learning rate", DefaultValueFactory = _ => StudyDefaults.Gradients.LearningRate };
    private static readonly Option<bool> Compare = new("--compare") { Description = "sweep depth × sigmoid/tanh/relu × naive/xavier/he at initialization" };
    private static readonly Option<string> Depths = new("--depths") { Description = "depths for --compare", DefaultValueFactory = _ => "2,5,10,15,20" };
    private static readonly Option<string> Precision = new("--precision") { Description = "f32 or f64", DefaultValueFactory = _ => "f32" };

    public static Command Create()
    {
        var command = new Command("gradients", "Why gradients vanish (or explode): per-layer norms and the factors of the backward chain.");
        Network.AddTo(command);
        foreach (var option in new Option[] { Epochs, OptimizerName, LearningRate, Compare, Depths, Precision }) command.Options.Add(option);
        command.SetAction(r => Inputs.IsDouble(r.GetValue(Precision)!) ? Run<double>(r) : Run<float>(r));
        return command;
    }

    private static int Run<T>(ParseResult r) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string? outPath = r.GetValue(Network.Out);
        AnalyzeCommand.CheckPlotPath(outPath);
        var (train, _) = Network.LoadData(r);
        if (r.GetValue(Compare)) return RunCompare<T>(r, train, outPath);

        var network = Network.Spec(r, train).Build<T>();
        var (x, t) = ProbeBatch.From(train, network, r.GetValue(Network.Batch));
        var trainer = new Trainer<T>(network, Optimizer<T>.Create(r.GetValue(OptimizerName)!, r.GetValue(LearningRate)), r.GetValue(Network.Batch), r.GetValue(Network.Seed));
        var history = GradientFlowHistory.Record(trainer, train, x, t, r.GetValue(Epochs));

        if (r.GetValue(Network.Json)) AnalyzeCommand.PrintJson(new { network = network.ToString(), epochs = history });
        else Print(network.ToString(), history);
        if (outPath is not null)
        {
            GradientFlowPlot.Save(outPath, history);
            if (!r.GetValue(Network.Json)) AnsiConsole.MarkupLineInterpolated($"wrote {outPath}");
        }
        return 0;
    }

    private static void Print(string network, List<GradientFlowEpoch> history)
    {
        var init = history[0].Flow;
        AnsiConsole.MarkupLineInterpolated($"[bold]{network}[/], at initialization (loss {init.Loss:F4}):");
        var norms = new Table().AddColumns("layer", "fan in→out", "‖H‖", "‖Δ‖", "‖∂E/∂W‖", "‖W‖₂");
        foreach (var l in init.Layers)
            norms.AddRow($"{l.Layer}", $"{l.FanIn}→{l.FanOut}", N(l.ActivationNorm), N(l.DeltaNorm), N(l.WeightGradientNorm), N(l.WeightSpectralNorm));
        AnsiConsole.Write(norms);
        AnsiConsole.MarkupLine("Backward factors, Δᵏ = Δᵏ⁺¹·Wᵏ⁺¹ᵀ ∘ σ′(Lᵏ): ratio = ‖Δᵏ‖/‖Δᵏ⁺¹‖ = weight factor × σ′ factor ≤ bound = ‖Wᵏ⁺¹‖₂·max σ′ (superscripts number the dense layers from 1).");
        var factors = new Table().AddColumns("layer", "mean σ′", "max σ′", "weight f.", "σ′ f.", "ratio", "bound");
        foreach (var l in init.Layers)
            factors.AddRow($"{l.Layer}", N(l.MeanDerivative), N(l.MaxDerivative), N(l.WeightFactor), N(l.DerivativeFactor), N(l.MeasuredRatio), N(l.RatioBound));
        AnsiConsole.Write(factors);
        AnsiConsole.MarkupLineInterpolated(
            $"‖Δ¹‖/‖Δ of the output layer‖ = [bold]{N(init.FirstToLast)}[/]: the first layer gets that share of the output layer's gradient (the product of the bounds allows at most {N(init.BoundProduct)}).");
        AnsiConsole.MarkupLine("Each step down multiplies Δ by Wᵀ (weight factor ≤ ‖W‖₂) and then by σ′(L) (≤ ¼ for sigmoid): when their product stays below 1, Δ shrinks geometrically with depth.");
        if (history.Count == 1) return;

        // Layers down, epochs across (at most six of them), so the table fits 80 columns at any depth; --json has every epoch.
        var shown = Enumerable.Range(0, 6).Select(i => (int)Math.Round(i * (history.Count - 1) / 5.0)).Distinct().Select(i => history[i]).ToList();
        var epochs = new Table().AddColumn("‖∂E/∂W‖");
        foreach (var e in shown) epochs.AddColumn(e.Epoch == 0 ? "init" : $"epoch {e.Epoch}");
        foreach (var l in init.Layers)
            epochs.AddRow([$"layer {l.Layer}", .. shown.Select(e => N(e.Flow.Layers[l.Layer - 1].WeightGradientNorm))]);
        epochs.AddRow(["loss", .. shown.Select(e => $"{e.TrainLoss:F4}")]);
        AnsiConsole.MarkupLine("Weight-gradient norms on the same batch over training:");
        AnsiConsole.Write(epochs);
    }

    private static int RunCompare<T>(ParseResult r, Backprop.Data.Dataset train, string? outPath) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var depths = AnalyzeCommand.ParseList(r.GetValue(Depths)!, "--depths");
        var results = DepthSweep.Run<T>(train, depths, r.GetValue(Network.Width), r.GetValue(Network.Loss)!, r.GetValue(Network.Batch), r.GetValue(Network.Seed));
        if (r.GetValue(Network.Json)) AnalyzeCommand.PrintJson(results);
        else
        {
            AnsiConsole.MarkupLineInterpolated($"‖Δ¹‖/‖Δ of the output layer‖ at initialization, hidden width {r.GetValue(Network.Width)}, on {train.Name}:");
            // One row per activation × initialization, one column per depth: nine rows fit where nine columns would not.
            var table = new Table().AddColumns("activation", "init");
            foreach (int d in depths) table.AddColumn($"depth {d}");
            foreach (var group in results.GroupBy(x => (x.Activation, x.Init)))
                table.AddRow([group.Key.Activation, group.Key.Init, .. depths.Select(d => group.Where(x => x.Depth == d).Select(x => N(x.FirstToLast)).FirstOrDefault("–"))]);
            AnsiConsole.Write(table);
        }
        if (outPath is not null)
        {
            DepthSweepPlot.Save(outPath, results);
            if (!r.GetValue(Network.Json)) AnsiConsole.MarkupLineInterpolated($"wrote {outPath}");
        }
        return 0;
    }

    private static string N(double x) => AnalyzeCommand.Number(x);
}
