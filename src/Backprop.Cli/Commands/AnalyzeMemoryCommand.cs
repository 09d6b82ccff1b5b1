using System.CommandLine;
using System.Numerics;
using Backprop.Analysis;
using Backprop.Data;
using Backprop.Model;
using Backprop.Plots;
using Backprop.Training;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop analyze memory</c>: the bytes of one training step by category, predicted from the shape and
/// measured on a real step (the library's own buffer accounting, managed allocations, process peak).
/// </summary>
internal static class AnalyzeMemoryCommand
{
    private static readonly NetworkOptions Network = NetworkOptions.For(StudyDefaults.Memory);
    private static readonly Option<string> OptimizerName = new("--optimizer") { Description = "sgd, momentum, adam", DefaultValueFactory = _ => StudyDefaults.Memory.Optimizer };
    private static readonly Option<double> Momentum = new("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0 };
    private static readonly Option<string> Precision = new("--precision") { Description = "f32, f64, fp16 or bf16", DefaultValueFactory = _ => "f32" };
    private static readonly Option<string> Batches = new("--batches") { Description = "batch sizes for the growth curve", DefaultValueFactory = _ => "1,8,64,512,4096" };
    private static readonly Option<string> Depths = new("--depths") { Description = "depths for the growth curve", DefaultValueFactory = _ => "2,4,8,16,32" };

    public static Command Create()
    {
        var command = new Command("memory", "How much memory training takes: predicted by category and measured on a real step.");
        Network.AddTo(command);
        foreach (var option in new Option[] { OptimizerName, Momentum, Precision, Batches, Depths }) command.Options.Add(option);
        command.SetAction(Run);
        return command;
    }

    private static int Run(ParseResult r)
    {
        string? outPath = r.GetValue(Network.Out);
        AnalyzeCommand.CheckPlotPath(outPath);
        var precision = Training.Precision.Parse(r.GetValue(Precision)!);
        string optimizer = r.GetValue(OptimizerName)!;
        double momentum = r.GetValue(Momentum);
        int batch = r.GetValue(Network.Batch);
        int[] batches = AnalyzeCommand.ParseList(r.GetValue(Batches)!, "--batches");
        int[] depths = AnalyzeCommand.ParseList(r.GetValue(Depths)!, "--depths");
        var (train, _) = Network.LoadData(r);
        var spec = Network.Spec(r, train);
        var probe = spec.Build<float>(); // checks the spec before any measuring
        int inputs = probe.Inputs;
        if (probe.Inputs != train.FeatureCount) throw new BackpropException($"the network takes {probe.Inputs} inputs but {train.Name} has {train.FeatureCount} features");
        int targets = Batcher.EncodingFor(train, probe.Loss.Name, probe.Outputs) is TargetEncoding.OneHot or TargetEncoding.Values ? probe.Outputs : 1;

        MemoryBreakdown Predict(NetworkSpec s, int b) => TrainingMemory.Predict(s, inputs, targets, b, optimizer, precision, momentum);
        var predicted = Predict(spec, batch);
        // fp16 and bf16 are emulated in float32 buffers here, so the step that can be measured is the float32 one.
        bool f64 = precision.IsDouble;
        var measuredAs = f64 ? precision : Training.Precision.Parse("f32");
        var measured = f64
            ? MemoryMeasurement.OfOneStep<double>(spec, train, batch, () => Optimizer<double>.Create(optimizer, 0.01, momentum), r.GetValue(Network.Seed))
            : MemoryMeasurement.OfOneStep<float>(spec, train, batch, () => Optimizer<float>.Create(optimizer, 0.01, momentum), r.GetValue(Network.Seed));
        var predictedMeasurable = TrainingMemory.Predict(spec, inputs, targets, batch, optimizer, measuredAs, momentum);

        int width = probe.DenseLayers.Take(probe.DenseLayers.Count() - 1).Select(d => d.Outputs).DefaultIfEmpty(64).Max();
        var byBatch = batches.Select(b => (b, Predict(spec, b))).ToList();
        var byDepth = depths.Select(d => (d, Predict(NetworkSpec.Mlp(Architecture.Sizes(inputs, width, d, probe.Outputs), "relu", probe.Loss.Name), batch))).ToList();

        if (r.GetValue(Network.Json))
        {
            AnalyzeCommand.PrintJson(new
            {
                network = probe.ToString(),
                batch,
                optimizer,
                precision = precision.Name,
                predicted = new { predicted.Parameters, predicted.Gradients, predicted.OptimizerState, predicted.Batch, predicted.Activations, predicted.Temporaries, predicted.Total },
                measured_precision = measuredAs.Name,
                predicted_measurable = predictedMeasurable.Total,
                measured,
                by_batch = byBatch.Select(x => new { batch = x.b, total = x.Item2.Total }),
                by_depth = byDepth.Select(x => new { depth = x.d, total = x.Item2.Total }),
            });
        }
        else Print(probe.ToString(), batch, optimizer, precision, predicted, measuredAs, predictedMeasurable, measured, byBatch, byDepth, width);
        if (outPath is not null)
        {
            MemoryPlot.Save(outPath, byBatch, byDepth);
            if (!r.GetValue(Network.Json)) AnsiConsole.MarkupLineInterpolated($"wrote {outPath}");
        }
        return 0;
    }

    private static void Print(string network, int batch, string optimizer, Training.Precision precision, MemoryBreakdown p,
        Training.Precision measuredAs, MemoryBreakdown pm, MemoryMeasurement m,
        List<(int, MemoryBreakdown)> byBatch, List<(int, MemoryBreakdown)> byDepth, int width)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{network}[/], batch {batch}, {optimizer}, {precision.Name}:");
        var table = new Table().AddColumns("what", "predicted", "share");
        void Row(string what, long bytes) => table.AddRow(what, AnalyzeCommand.Bytes(bytes), $"{100.0 * bytes / p.Total:F1}%");
        Row("parameters W, b", p.Parameters);
        Row("gradients dW, db", p.Gradients);
        Row($"optimizer state ({optimizer})", p.OptimizerState);
        Row("batch X, T", p.Batch);
        Row("activations kept for backward (Z, A)", p.Activations);
        Row("backward temporaries (∂E/∂Y, σ′, Δ, ∂E/∂X)", p.Temporaries);
        Row("total", p.Total);
        AnsiConsole.Write(table);
        if (measuredAs != precision)
            AnsiConsole.MarkupLineInterpolated($"{precision.Name} keeps activations in 16 bits; this library emulates that in float32 buffers, so the step measured is the {measuredAs.Name} one, predicted at {AnalyzeCommand.Bytes(pm.Total)}.");
        string agreement = m.LibraryBytes == pm.Total ? "equal to the prediction" : $"{100.0 * (m.LibraryBytes - pm.Total) / pm.Total:+0.0;-0.0}% from the prediction";
        AnsiConsole.MarkupLineInterpolated($"measured on one real training step ({measuredAs.Name}):");
        AnsiConsole.MarkupLineInterpolated($"  library accounting: {AnalyzeCommand.Bytes(m.LibraryBytes)} in {m.LibraryBuffers} buffers, [bold]{agreement}[/]");
        AnsiConsole.MarkupLineInterpolated($"  managed allocations: {AnalyzeCommand.Bytes(m.ManagedBytes)} ({100.0 * (m.ManagedBytes - pm.Total) / pm.Total:+0.0;-0.0}%: buffers + runtime)");
        AnsiConsole.MarkupLineInterpolated($"  process peak resident: {AnalyzeCommand.Bytes(m.PeakAfter)}, grew {AnalyzeCommand.Bytes(m.PeakGrowth)} in the step (runtime, code, data)");
        var growth = new Table().AddColumns("batch", "total");
        foreach (var (b, mem) in byBatch) growth.AddRow($"{b}", AnalyzeCommand.Bytes(mem.Total));
        var deep = new Table().AddColumns($"depth (width {width})", "total");
        foreach (var (d, mem) in byDepth) deep.AddRow($"{d}", AnalyzeCommand.Bytes(mem.Total));
        AnsiConsole.Write(new Columns(growth, deep) { Expand = false }); // side by side, not spread over an unwrapped line
    }
}
