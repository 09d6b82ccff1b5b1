using System.CommandLine;
using System.Numerics;
using System.Text.Json;
using Backprop.Data;
using Backprop.IO;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop train</c>: mini-batch training with a live progress bar, saving the trained network.</summary>
internal static class TrainCommand
{
    // Default: spirals on a 2-64-64-2 ReLU network, which learns them in a few seconds.
    private static readonly NetworkOptions Network = new("spirals", depth: 3, width: 64, "relu", batch: 32,
        outDescription: "where to save the trained network (JSON)", jsonDescription: "print a JSON summary as the last line of stdout");
    private static readonly Option<string> OptimizerName = new("--optimizer") { Description = "sgd, momentum, adam", DefaultValueFactory = _ => "adam" };
    private static readonly Option<double?> LearningRate = new("--lr") { Description = "learning rate (default 0.01 for adam, 0.1 otherwise)" };
    private static readonly Option<double> Momentum = new("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0 };
    private static readonly Option<double> WeightDecay = new("--weight-decay") { Description = "L2 weight decay", DefaultValueFactory = _ => 0 };
    private static readonly Option<int?> Epochs = new("--epochs") { Description = "passes over the data (default 300 for the built-in 2-D sets, 10 otherwise)" };
    private static readonly Option<int> Threads = new("--threads") { Description = "threads for matrix products (at most the number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
    private static readonly Option<string> Precision = new("--precision") { Description = "f32, f64, or mixed precision fp16 or bf16 (16-bit activations and gradients, float32 master weights)", DefaultValueFactory = _ => "f32" };
    private static readonly Option<string?> LossScale = new("--loss-scale") { Description = "with fp16/bf16: dynamic, none, or a fixed number (default: dynamic for fp16, none for bf16)" };
    private static readonly Option<int?> Limit = new("--limit") { Description = "train on the first N examples only" };
    private static readonly Option<string?> History = new("--history") { Description = "write the loss and accuracy of every epoch to this CSV file" };
    private static readonly Option<string?> Plot = new("--plot") { Description = "draw the loss (and accuracy) per epoch into this picture (.png or .svg)" };
    private static readonly Option<string> Device = new("--device") { Description = "cpu, gpu (CUDA through ILGPU) or auto (the GPU when there is one)", DefaultValueFactory = _ => "cpu" };

    public static Command Create()
    {
        var command = new Command("train", "Train a network with mini-batch gradient descent (train loss and accuracy are running averages over each epoch).");
        Network.AddTo(command);
        foreach (var option in new Option[] { OptimizerName, LearningRate, Momentum, WeightDecay, Epochs, Threads, Precision, LossScale, Limit, History, Plot, Device })
            command.Options.Add(option);
        TrainCheckpoint.AddTo(command);
        command.SetAction(r =>
        {
            var precision = Training.Precision.Parse(r.GetValue(Precision)!); // fp16/bf16: float32 arithmetic, 16-bit storage
            return precision.IsDouble ? Run<double>(r, precision) : Run<float>(r, precision);
        });
        return command;
    }

    private static int Run<T>(ParseResult r, Training.Precision precision) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string dataName = r.GetValue(Network.Data)!;
        int seed = r.GetValue(Network.Seed);
        Gemm.Threads = Math.Clamp(r.GetValue(Threads), 1, Environment.ProcessorCount); // more threads than cores only spin
        string? outPath = r.GetValue(Network.Out);
        if (outPath is not null) AtomicFile.CheckWritable(outPath, "--out "); // fail now, not after an hour of training
        if (r.GetValue(History) is { } historyPath) AtomicFile.CheckWritable(historyPath, "--history ");
        if (r.GetValue(Plot) is { } plotPath)
        {
            if (Path.GetExtension(plotPath).ToLowerInvariant() is not (".png" or ".svg")) throw new BackpropException($"--plot {plotPath}: the format comes from the extension, .png or .svg");
            AtomicFile.CheckWritable(plotPath, "--plot ");
        }

        var (train, test) = Network.LoadData(r);
        if (r.GetValue(Limit) is { } limit) train = train.Take(limit);
        var spec = Network.Spec(r, train);
        bool classification = train.IsClassification;
        if (!classification && spec.Loss is "cross_entropy" or "bce_with_logits")
        {
            // Real-valued targets: a classification loss cannot fit them. Choose for the user only when they chose nothing.
            if (r.GetValue(Network.NetworkFile) is { } file)
                throw new BackpropException($"{train.Name} has real-valued targets (a regression), but {file} has the loss {spec.Loss}, which needs class labels: set \"loss\": \"mse\" there");
            if (r.GetResult(Network.Loss) is { Implicit: false })
                throw new BackpropException($"{train.Name} has real-valued targets (a regression), but the loss {spec.Loss} needs class labels: use --loss mse");
            spec = spec with { Loss = "mse" };
        }
        Inputs.Warn(spec);
        var network = spec.Build<T>();
        if (network.Inputs != train.FeatureCount)
            throw new BackpropException($"the network takes {network.Inputs} inputs but {train.Name} has {train.FeatureCount} features");
        Batcher.EncodingFor(train, network.Loss.Name, network.Outputs); // shape errors before any work

        string optimizerName = r.GetValue(OptimizerName)!;
        double lr = r.GetValue(LearningRate) ?? (optimizerName == "adam" ? 0.01 : 0.1);
        var optimizer = Optimizer<T>.Create(optimizerName, lr, r.GetValue(Momentum), r.GetValue(WeightDecay));
        if (!precision.IsMixed && r.GetValue(LossScale) is not null) throw new BackpropException("--loss-scale applies to --precision fp16 or bf16 only");
        LossScaledOptimizer<T>? scaled = null;
        if (precision.IsMixed) optimizer = scaled = MixedPrecision.Enable(network, optimizer, precision.Storage, r.GetValue(LossScale));
        var trainer = new Trainer<T>(network, optimizer, r.GetValue(Network.Batch), seed);
        using var gpu = TrainDevice<T>.Open(r.GetValue(Device)!, network, optimizer, trainer.BatchSize, seed, precision.IsMixed); // null: the CPU
        int epochs = r.GetValue(Epochs) ?? (Array.IndexOf(Synthetic.Names, dataName) >= 0 ? 300 : 10);
        if (epochs < 1) throw new BackpropException($"--epochs must be at least 1, got {epochs}");
        if (gpu is not null && TrainCheckpoint.Requested(r))
            throw new BackpropException("--checkpoint needs --device cpu: the GPU trainer keeps its state on the device");
        var checkpoint = TrainCheckpoint.Open(r, trainer, train, epochs); // restores the trainer with --resume
        using var interrupt = new Interrupt();

        bool json = r.GetValue(Network.Json);
        var console = json ? ConsoleWidth.Unwrap(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }), Console.IsErrorRedirected) : AnsiConsole.Console;
        console.MarkupLineInterpolated($"[bold]{train.Name}[/]: {train.Count:N0} examples, {train.FeatureCount} features; test {test.Count:N0}");
        string format = precision.IsMixed
            ? $"{precision.Name} storage, float32 master weights, loss scale {r.GetValue(LossScale) ?? MixedPrecision.DefaultLossScale(precision.Storage)}"
            : precision.Name;
        console.MarkupLineInterpolated($"network {network} ({network.ParameterCount:N0} parameters), {optimizerName} lr {lr}, batch {trainer.BatchSize}, {format}{(gpu is null ? "" : ", on " + gpu.Name)}");

        var reports = checkpoint?.History ?? [];
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: (double)epochs * train.Count);
                trainer.BatchCompleted = (b, _, done) =>
                {
                    task.Value = (double)reports.Count * train.Count + done;
                    checkpoint?.AfterBatch(b);
                };
                gpu?.Trainer.BatchCompleted = (_, _, done) => task.Value = (double)reports.Count * train.Count + done;
                for (int e = reports.Count; e < epochs; e++)
                {
                    // Ctrl+C or SIGTERM: stop after the batch at hand (null), keep what is done. The GPU trainer
                    // runs an epoch on the device without a host wait per batch, so it stops between epochs.
                    var report = gpu is not null ? gpu.Trainer.TrainEpoch(train, test) : trainer.TrainEpoch(train, test, interrupt.Token);
                    if (report is null) break;
                    reports.Add(report);
                    checkpoint?.Save();
                    if (gpu is not null && interrupt.Requested) break;
                    task.Description = classification
                        ? $"epoch {report.Epoch}/{epochs} loss {report.TrainLoss:F4} acc {report.TrainAccuracy:P1} test {report.Test!.Accuracy:P1} {report.SamplesPerSecond:N0}/s"
                        : $"epoch {report.Epoch}/{epochs} loss {report.TrainLoss:F4} test loss {report.Test!.Loss:F4} {report.SamplesPerSecond:N0}/s";
                }
            });

        if (interrupt.Requested && reports.Count < epochs)
        {
            checkpoint?.Save();
            return interrupt.Exit(checkpoint?.Path, trainer.EpochsDone + 1);
        }
        var final = reports[^1];
        double trainSeconds = reports.Sum(x => x.Seconds);
        double samplesPerSecond = reports.Sum(x => (double)x.Samples) / trainSeconds;
        if (classification)
            console.MarkupLineInterpolated(
                $"[green]done[/]: train loss {final.TrainLoss:F4}, train accuracy {final.TrainAccuracy:P2}, test loss {final.Test!.Loss:F4}, test accuracy [bold]{final.Test.Accuracy:P2}[/], {samplesPerSecond:N0} samples/s");
        else
            console.MarkupLineInterpolated($"[green]done[/]: train loss {final.TrainLoss:F4}, test loss [bold]{final.Test!.Loss:F4}[/] ({network.Loss.Name}), {samplesPerSecond:N0} samples/s");
        if (scaled is not null)
            console.MarkupLineInterpolated($"loss scaler: final scale {scaled.Scaler.Scale:G6}, {scaled.Scaler.SkippedSteps} of {scaled.Scaler.Steps} steps skipped for inf/NaN gradients");
        if (outPath is not null)
        {
            NetworkJson.Save(NetworkSpec.From(network) with { TrainedOn = new TrainedOn(File.Exists(dataName) ? Path.GetFullPath(dataName) : dataName, seed) }, outPath);
            console.MarkupLineInterpolated($"saved {outPath}");
        }
        else console.MarkupLine("[yellow]the trained network was not saved[/]: give --out FILE.json to keep it");
        if (r.GetValue(History) is { } history)
        {
            AtomicFile.WriteAllText(history, TrainingHistory.Csv(reports, classification));
            console.MarkupLineInterpolated($"history: {history}");
        }
        if (r.GetValue(Plot) is { } plot)
        {
            Plots.TrainingPlot.Save(plot, reports, classification);
            console.MarkupLineInterpolated($"plot: {plot}");
        }
        if (json)
        {
            var summary = new Dictionary<string, object?>
            {
                ["epochs"] = epochs,
                ["train_seconds"] = trainSeconds,
                ["samples_per_second"] = samplesPerSecond,
                ["epoch_seconds"] = reports.Select(x => x.Seconds).ToArray(),
                ["train_loss"] = Inputs.JsonNumber(final.TrainLoss),
                ["test_loss"] = Inputs.JsonNumber(final.Test.Loss),
                ["test_accuracy"] = classification ? Inputs.JsonNumber(final.Test.Accuracy) : null,
                ["history"] = TrainingHistory.Rows(reports, classification),
            };
            if (scaled is not null)
            {
                summary["loss_scale"] = scaled.Scaler.Scale;
                summary["skipped_steps"] = scaled.Scaler.SkippedSteps;
            }
            Console.Out.WriteLine(JsonSerializer.Serialize(summary));
        }
        return 0;
    }
}
