using System.Globalization;
using System.Text.Json;
using Backprop.IO;
using Backprop.Tensors;

namespace Backprop.Tests.Cli;

/// <summary>What eval scores: a whole held-out file (--all), the split the model records (and it says so), never a guess.</summary>
public class EvalCliTests(EvalCliTests.Model trained) : IClassFixture<EvalCliTests.Model>
{
    /// <summary>One model trained on train.csv with seed 5, shared by the tests that only read it.</summary>
    public sealed class Model : IDisposable
    {
        internal TempDir Dir { get; } = Trained(seed: 5);
        public void Dispose() => Dir.Dispose();
    }

    /// <summary>A two-class CSV of points labelled by which side of the diagonal they fall; each seed a fresh draw.</summary>
    private static double[][] Points(int count, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            double a = rng.NextDouble(), b = rng.NextDouble();
            return new[] { a, b, a > b ? 1 : 0 };
        })];
    }

    private static string Csv(double[][] rows) =>
        string.Concat(rows.Select(r => string.Join(',', r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "\n"));

    /// <summary>Trains a small model on a fresh train.csv with the given seed; returns the folder with train.csv and m.json.</summary>
    private static TempDir Trained(int seed)
    {
        var dir = new TempDir();
        dir.File("train.csv", Csv(Points(150, 1)));
        var train = CliRunner.Run("train", "--data", dir["train.csv"], "--layers", "2-8-2", "--loss", "cross_entropy", "--epochs", "3",
            "--seed", seed.ToString(CultureInfo.InvariantCulture), "--out", dir["m.json"]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        return dir;
    }

    private static void AssertCleanError(CliRunner.Result run, string expected)
    {
        run.AssertOneLineError(expected);
        Assert.Equal("", run.Stdout); // eval prints nothing before it fails
    }

    [Fact]
    public void All_scores_every_row_of_the_file_as_the_network_computes_it()
    {
        var dir = trained.Dir;
        var heldOut = Points(77, 9);
        dir.File("held-out.csv", Csv(heldOut));

        var eval = CliRunner.Run("eval", "--model", dir["m.json"], "--data", dir["held-out.csv"], "--all", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        var result = JsonDocument.Parse(eval.Stdout).RootElement;
        Assert.Equal(heldOut.Length, result.GetProperty("examples").GetInt32());
        Assert.Equal(heldOut.Length, result.GetProperty("confusion").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetInt32())));

        // The accuracy of the saved network's own forward pass over all 77 rows.
        var net = NetworkJson.Load(dir["m.json"]).Build<float>();
        var logits = net.Forward(Matrix<float>.FromRows([.. heldOut.Select(r => r[..2])]));
        int right = Enumerable.Range(0, heldOut.Length).Count(i => (logits[i, 1] > logits[i, 0] ? 1 : 0) == (int)heldOut[i][2]);
        Assert.Equal((double)right / heldOut.Length, result.GetProperty("accuracy").GetDouble(), 9);

        // Without --all the same file is split 80/20 and only its test part is scored.
        var split = CliRunner.Run("eval", "--model", dir["m.json"], "--data", dir["held-out.csv"], "--json");
        Assert.True(split.ExitCode == 0, split.Stderr);
        Assert.Equal((int)Math.Round(0.2 * heldOut.Length), JsonDocument.Parse(split.Stdout).RootElement.GetProperty("examples").GetInt32());

        var table = CliRunner.Run("eval", "--model", dir["m.json"], "--data", dir["held-out.csv"], "--all");
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.StartsWith($"held-out.csv: {heldOut.Length} examples", table.Stdout);
    }

    [Fact]
    public void Without_data_it_scores_the_recorded_split_and_says_which()
    {
        var dir = trained.Dir;
        var eval = CliRunner.Run("eval", "--model", dir["m.json"], "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        // One line on stderr names the split, its seed and the file; stdout stays one JSON document.
        string note = Assert.Single(eval.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Equal($"backprop: note: scoring the test split (seed 5) of {dir["train.csv"]}, recorded in m.json by train", note);
        var recorded = JsonDocument.Parse(eval.Stdout).RootElement;
        Assert.Equal(30, recorded.GetProperty("examples").GetInt32()); // 20% of train.csv's 150 rows

        // The same numbers as naming that file and seed: the note tells the truth.
        var named = CliRunner.Run("eval", "--model", dir["m.json"], "--data", dir["train.csv"], "--seed", "5", "--json");
        Assert.True(named.ExitCode == 0, named.Stderr);
        Assert.Equal("", named.Stderr);
        Assert.Equal(recorded.GetProperty("loss").GetDouble(), JsonDocument.Parse(named.Stdout).RootElement.GetProperty("loss").GetDouble());

        var trainPart = CliRunner.Run("eval", "--model", dir["m.json"], "--split", "train");
        Assert.True(trainPart.ExitCode == 0, trainPart.Stderr);
        Assert.Contains("scoring the train split (seed 5)", trainPart.Stderr);
        Assert.StartsWith("train.csv (train): 120 examples", trainPart.Stdout);
    }

    [Fact]
    public void A_model_that_records_no_data_is_refused_with_the_fix_not_scored_on_spirals()
    {
        var dir = trained.Dir;
        // A network file that records no training data (written by hand, or by another tool).
        NetworkJson.Save(NetworkJson.Load(dir["m.json"]) with { TrainedOn = null }, dir["bare.json"]);
        AssertCleanError(CliRunner.Run("eval", "--model", dir["bare.json"]), $"{dir["bare.json"]} records no training data");
        AssertCleanError(CliRunner.Run("eval", "--model", dir["bare.json"], "--json"), "give --data FILE (add --all to score every row)");

        var given = CliRunner.Run("eval", "--model", dir["bare.json"], "--data", dir["train.csv"], "--all", "--json");
        Assert.True(given.ExitCode == 0, given.Stderr);
        Assert.Equal(150, JsonDocument.Parse(given.Stdout).RootElement.GetProperty("examples").GetInt32());
    }

    [Fact]
    public void A_recorded_file_that_is_gone_is_named_with_the_fix()
    {
        using var dir = Trained(seed: 1);
        File.Delete(dir["train.csv"]);
        AssertCleanError(CliRunner.Run("eval", "--model", dir["m.json"]), $"m.json was trained on {dir["train.csv"]}, which is not there now: give --data FILE.csv");
    }

    [Theory]
    [InlineData(new[] { "--all" }, "--all scores every row of a file: give --data FILE.csv with it")]
    [InlineData(new[] { "--data", "xor", "--all" }, "'xor' is a built-in set: use --split test or --split train")]
    [InlineData(new[] { "--data", "TRAIN", "--all", "--split", "train" }, "give --all or --split train, not both")]
    [InlineData(new[] { "--data", "TRAIN", "--all", "--seed", "3" }, "--seed picks a split, and --all scores every row")]
    [InlineData(new[] { "--data", "nowhere.csv", "--all" }, "nowhere.csv: file not found")]
    [InlineData(new[] { "--data", "rows.txt", "--all" }, "unknown data set 'rows.txt'")]
    [InlineData(new[] { "--split", "validation" }, "unknown --split 'validation' (expected test or train)")]
    public void Bad_choices_of_what_to_score_get_one_line(string[] args, string expected)
    {
        var dir = trained.Dir;
        string[] resolved = [.. args.Select(a => a == "TRAIN" ? dir["train.csv"] : a)];
        AssertCleanError(CliRunner.Run(["eval", "--model", dir["m.json"], .. resolved]), expected);
    }
}
