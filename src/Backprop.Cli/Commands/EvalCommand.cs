using System.CommandLine;
using System.Text.Json;
using Backprop.Data;
using Backprop.IO;
using Backprop.Training;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop eval</c>: reload a saved network and report its loss, accuracy and confusion matrix.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "a network saved by 'train --out' (JSON, ONNX or safetensors)", Required = true };
        var data = new Option<string?>("--data") { Description = "the data set (default: the one the model was trained on, else spirals)" };
        var split = new Option<string>("--split") { Description = "test or train", DefaultValueFactory = _ => "test" };
        var seed = new Option<int?>("--seed") { Description = "seed of the data split (default: the one train used, which the model records)" };
        var json = new Option<bool>("--json") { Description = "print JSON instead of tables" };
        var command = new Command("eval", "Evaluate a saved network: loss, accuracy, confusion matrix.") { model, data, split, seed, json };
        command.SetAction(r =>
        {
            var spec = Inputs.ReadNetwork(r.GetValue(model)!);
            var network = spec.Build<float>();
            // The same train/test split train used: its data and seed are recorded in the model.
            var (train, test) = DataSources.Load(r.GetValue(data) ?? spec.TrainedOn?.Data ?? "spirals", r.GetValue(seed) ?? spec.TrainedOn?.Seed ?? 1);
            var set = r.GetValue(split) switch
            {
                "test" => test,
                "train" => train,
                var s => throw new BackpropException($"unknown --split '{s}' (expected test or train)"),
            };
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
