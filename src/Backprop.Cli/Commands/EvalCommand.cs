using System.CommandLine;
using System.Text.Json;
using Backprop.Data;
using Backprop.IO;
using Backprop.Model;
using Backprop.Training;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop eval</c>: reload a saved network and report its loss, accuracy and confusion matrix.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "a network saved by 'train --out' (JSON, ONNX or safetensors)", Required = true };
        var data = new Option<string?>("--data") { Description = "the data set: a CSV file or a built-in name (default: the one the model records from train)" };
        var split = new Option<string?>("--split") { Description = "test (default) or train: the part of train's split to score" };
        var all = new Option<bool>("--all") { Description = "score every row of the --data CSV file, with no split (a held-out file)" };
        var seed = new Option<int?>("--seed") { Description = "seed of the data split (default: the one train used, which the model records)" };
        var json = new Option<bool>("--json") { Description = "print JSON instead of tables" };
        var command = new Command("eval", "Evaluate a saved network: loss, accuracy, confusion matrix.") { model, data, split, all, seed, json };
        command.SetAction(r =>
        {
            string modelPath = r.GetValue(model)!;
            var spec = Inputs.ReadNetwork(modelPath);
            var network = spec.Build<float>();
            var set = Choose(modelPath, spec.TrainedOn, r.GetValue(data), r.GetValue(split), r.GetValue(all), r.GetValue(seed));
            if (network.Inputs != set.FeatureCount)
                throw new BackpropException($"the network takes {network.Inputs} inputs but {set.Name} has {set.FeatureCount} features");
            var result = Trainer<float>.Evaluate(network, set);
            if (r.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    examples = set.Count,
                    loss = Inputs.JsonNumber(result.Loss),
                    accuracy = Inputs.JsonNumber(result.Accuracy),
                    confusion = result.Confusion is { } c ? ToRows(c) : null,
                }));
                return 0;
            }
            if (set.IsClassification) AnsiConsole.MarkupLineInterpolated($"[bold]{set.Name}[/]: {set.Count:N0} examples, loss {result.Loss:F4}, accuracy [bold]{result.Accuracy:P2}[/]");
            else AnsiConsole.MarkupLineInterpolated($"[bold]{set.Name}[/]: {set.Count:N0} examples, loss [bold]{result.Loss:F4}[/] ({network.Loss.Name}; a regression has no accuracy)");
            if (result.Confusion is { } confusion)
            {
                // The title on a line of its own: a table's title wraps to the table's width, even unwrapped.
                AnsiConsole.WriteLine("confusion matrix (rows: actual, columns: predicted)");
                AnsiConsole.Write(ConfusionTable(confusion, set.ClassNames));
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The examples to score: every row of a file (--all), or one part of train's split of --data, else of the data
    /// the model records. A model that records none (imported, exported) is refused rather than scored on a guess.
    /// </summary>
    private static Dataset Choose(string modelPath, TrainedOn? trainedOn, string? data, string? split, bool all, int? seed)
    {
        if (all)
        {
            if (data is null) throw new BackpropException("--all scores every row of a file: give --data FILE.csv with it");
            if (split is not null) throw new BackpropException($"give --all or --split {split}, not both: --all scores every row of {data}");
            if (seed is not null) throw new BackpropException("--seed picks a split, and --all scores every row: give one of them");
            if (!data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                if (data == "fashion-mnist" || Array.IndexOf(Synthetic.Names, data) >= 0)
                    throw new BackpropException($"--all scores every row of a CSV file, and '{data}' is a built-in set: use --split test or --split train");
                DataSources.Load(data); // refuses the name with the list of what --data takes
            }
            return CsvDataset.Load(data);
        }
        string part = split ?? "test";
        if (part is not ("test" or "train")) throw new BackpropException($"unknown --split '{part}' (expected test or train)");
        if (data is null)
        {
            if (trainedOn is null)
                throw new BackpropException($"{modelPath} records no training data (an imported or exported model): give --data FILE (add --all to score every row)");
            data = trainedOn.Data;
            if (data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !File.Exists(data))
                throw new BackpropException($"{modelPath} was trained on {data}, which is not there now: give --data FILE.csv");
            // Said on stderr so that --json output stays one JSON document.
            string what = data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "split" : "set";
            Console.Error.WriteLine($"backprop: note: scoring the {part} {what} (seed {seed ?? trainedOn.Seed}) of {data}, recorded in {Path.GetFileName(modelPath)} by train");
        }
        var (train, test) = DataSources.Load(data, seed ?? trainedOn?.Seed ?? 1);
        return part == "test" ? test : train;
    }

    private static int[][] ToRows(int[,] c) =>
        [.. Enumerable.Range(0, c.GetLength(0)).Select(i => Enumerable.Range(0, c.GetLength(1)).Select(j => c[i, j]).ToArray())];

    private static Table ConfusionTable(int[,] c, string[] names)
    {
        var table = new Table().AddColumn("actual \\ predicted");
        for (int j = 0; j < names.Length; j++) table.AddColumn(new TableColumn(Markup.Escape(names[j])).RightAligned());
        for (int i = 0; i < names.Length; i++)
        {
            var cells = new List<string> { Markup.Escape(names[i]) };
            for (int j = 0; j < names.Length; j++) cells.Add(i == j ? $"[green]{c[i, j]}[/]" : c[i, j] == 0 ? "[grey]0[/]" : c[i, j].ToString());
            table.AddRow(cells.ToArray());
        }
        return table;
    }
}
