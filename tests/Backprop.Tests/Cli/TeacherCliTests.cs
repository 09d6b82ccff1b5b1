using System.Globalization;
using System.Text.Json;
using Backprop.Data;

namespace Backprop.Tests.Cli;

/// <summary>The teacher's path through the CLI: layer numbers people use, train's history and plot, regression, eval's split, unwrapped output.</summary>
public class TeacherCliTests
{
    private const string TwoLayerNet = """
        { "format": "backprop.network/1",
          "layers": [ { "type": "dense", "inputs": 2, "outputs": 3, "init": "xavier" }, { "type": "tanh" },
                      { "type": "dense", "inputs": 3, "outputs": 1, "init": "xavier" } ],
          "loss": "half_sse", "seed": 3 }
        """;

    [Fact]
    public void Grad_json_numbers_dense_layers_from_1_beside_the_array_index()
    {
        using var dir = new TempDir();
        var run = CliRunner.Run("grad", "--network", dir.File("net.json", TwoLayerNet), "--inputs", dir.File("x.csv", "1,2\n0.5,-1\n"), "--targets", dir.File("t.csv", "1\n0\n"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        var layers = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], layers.Select(l => l.GetProperty("index").GetInt32()));
        Assert.Equal(1, layers[0].GetProperty("layer").GetInt32());
        Assert.False(layers[1].TryGetProperty("layer", out _)); // tanh is not a dense layer
        Assert.Equal(2, layers[2].GetProperty("layer").GetInt32());
    }

    [Theory]
    [InlineData("dense layer 2 has 1 units", "explain", "--example", "sigmoid-2-3-1", "--bias", "2:3")]
    [InlineData("dense layer 1 has 3 units", "diagram", "node-forward", "--example", "sigmoid-2-3-1", "--node", "1:4", "--out", "n.svg")]
    [InlineData("the network has 2 dense layers", "explain", "--example", "sigmoid-2-3-1", "--weight", "3:1:1")]
    public void Errors_name_dense_layers_from_1(string expected, params string[] args)
    {
        using var dir = new TempDir();
        var run = CliRunner.RunIn(dir.Path, args);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(expected, run.Stderr);
    }

    [Fact]
    public void Explain_refuses_a_layer_it_cannot_draw_by_its_place_in_the_file()
    {
        using var dir = new TempDir();
        string net = dir.File("net.json", """{"layers":[{"type":"tanh"},{"type":"dense","inputs":2,"outputs":1,"init":"xavier"}],"loss":"sse","seed":1}""");
        var run = CliRunner.Run("explain", "--network", net, "--inputs", dir.File("x.csv", "1,2\n"), "--targets", dir.File("t.csv", "1\n"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("layers[0] (tanh) does not follow a dense layer", run.Stderr);
    }

    [Fact]
    public void Explain_json_writes_symbols_as_themselves_and_walks_past_the_gradients()
    {
        var run = CliRunner.Run("explain", "--example", "article1", "--format", "json", "--lr", "0.5", "--steps", "3");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("\"L¹ = X·W¹ + B¹\"", run.Stdout);
        Assert.DoesNotContain("\\u", run.Stdout);
        var steps = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("steps").EnumerateArray().ToList();
        var phases = steps.Select(s => s.GetProperty("phase").GetString()).Distinct().ToList();
        Assert.Equal(["forward", "loss", "backward", "update", "after"], phases);
        var losses = steps.Last().GetProperty("matrices").EnumerateArray().Select(m => m.GetProperty("values")[0][0].GetDouble()).ToList();
        Assert.Equal(4, losses.Count);
        Assert.True(losses.Zip(losses.Skip(1)).All(p => p.Second < p.First), string.Join(", ", losses));
    }

    [Fact]
    public void The_explain_text_names_the_glossary_and_the_readme_links_it()
    {
        var run = CliRunner.Run("explain", "--example", "article1");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("docs/notation.md", run.Stdout);
        string root = RepositoryRoot();
        Assert.Contains("(docs/notation.md)", File.ReadAllText(Path.Combine(root, "README.md")));
        string glossary = File.ReadAllText(Path.Combine(root, "docs", "notation.md"));
        foreach (var symbol in new[] { "L = X·W + B", "H = σ(L)", "Δ", "W¹", "σ′", "I = ", "A = " }) Assert.Contains(symbol, glossary);
    }

    [Fact]
    public void Readme_and_docs_point_to_nothing_outside_the_repository()
    {
        string root = RepositoryRoot();
        var files = new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md"));
        foreach (var file in files)
        {
            string text = File.ReadAllText(file);
            Assert.DoesNotContain("../shared", text);
            Assert.DoesNotContain("seeds/", text);
            foreach (System.Text.RegularExpressions.Match link in System.Text.RegularExpressions.Regex.Matches(text, @"\]\(([^)#]+)"))
            {
                string target = link.Groups[1].Value;
                if (target.StartsWith("http", StringComparison.Ordinal)) continue;
                string full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, target));
                Assert.True(full.StartsWith(root, StringComparison.Ordinal) && (File.Exists(full) || Directory.Exists(full)), $"{Path.GetFileName(file)} links to {target}, which is not in the repository");
            }
        }
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        Assert.Contains("export PATH=\"$PATH:$HOME/.dotnet/tools\"", readme); // the tool install note says how to reach `backprop`
        string articles = File.ReadAllText(Path.Combine(root, "docs", "articles.md"));
        foreach (var command in new[] { "backprop explain", "backprop diagram", "backprop analyze" }) Assert.Contains(command, articles);
    }

    [Fact]
    public void Train_writes_its_history_and_plot_and_says_when_nothing_was_saved()
    {
        using var dir = new TempDir();
        var run = CliRunner.Run("train", "--data", "xor", "--layers", "2-4-2", "--activation", "tanh", "--epochs", "5", "--history", dir["h.csv"], "--plot", dir["p.png"], "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = File.ReadAllLines(dir["h.csv"]);
        Assert.Equal("epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,samples_per_second", lines[0]);
        Assert.Equal(6, lines.Length);
        var summary = JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]).RootElement;
        var history = summary.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(5, history.Count);
        for (int e = 0; e < 5; e++)
        {
            var cells = lines[e + 1].Split(',');
            Assert.Equal(e + 1, history[e].GetProperty("epoch").GetInt32());
            Assert.Equal(double.Parse(cells[1], CultureInfo.InvariantCulture), history[e].GetProperty("train_loss").GetDouble());
            Assert.Equal(double.Parse(cells[3], CultureInfo.InvariantCulture), history[e].GetProperty("test_loss").GetDouble());
        }
        Assert.Equal(summary.GetProperty("test_loss").GetDouble(), history[^1].GetProperty("test_loss").GetDouble());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(dir["p.png"])[..4]);
        Assert.Contains("not saved", run.Stderr);
        Assert.Contains("--out", run.Stderr);
    }

    [Fact]
    public void A_regression_csv_gets_mse_or_a_one_line_refusal_naming_it_and_no_accuracy()
    {
        using var dir = new TempDir();
        var rng = new Random(4);
        string csv = dir.File("reg.csv", "a,b,y\n" + string.Concat(Enumerable.Range(0, 40).Select(_ =>
        {
            double a = rng.NextDouble(), b = rng.NextDouble();
            return string.Create(CultureInfo.InvariantCulture, $"{a:F3},{b:F3},{0.5 * a - 0.25 * b + 0.1:F4}\n");
        })));
        var refused = CliRunner.Run("train", "--data", csv, "--layers", "2-4-1", "--loss", "cross_entropy", "--epochs", "2");
        Assert.Equal(1, refused.ExitCode);
        Assert.Single(refused.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("use --loss mse", refused.Stderr);

        var chosen = CliRunner.Run("train", "--data", csv, "--layers", "2-4-1", "--epochs", "3", "--seed", "7", "--out", dir["m.json"], "--history", dir["h.csv"]);
        Assert.True(chosen.ExitCode == 0, chosen.Stderr);
        Assert.Contains("⇒ mse", chosen.Stdout);
        Assert.DoesNotContain("accuracy", chosen.Stdout);
        Assert.All(File.ReadAllLines(dir["h.csv"]).Skip(1), l => Assert.Equal("", l.Split(',')[2]));

        // eval, told nothing about the data, uses train's data and split (seed 7): the same test loss train printed.
        var eval = CliRunner.Run("eval", "--model", dir["m.json"], "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        double evalLoss = JsonDocument.Parse(eval.Stdout).RootElement.GetProperty("loss").GetDouble();
        double trainLoss = double.Parse(File.ReadAllLines(dir["h.csv"])[^1].Split(',')[3], CultureInfo.InvariantCulture);
        Assert.Equal(trainLoss, evalLoss, 5);
        var otherSplit = CliRunner.Run("eval", "--model", dir["m.json"], "--json", "--seed", "1");
        Assert.NotEqual(evalLoss, JsonDocument.Parse(otherSplit.Stdout).RootElement.GetProperty("loss").GetDouble());
    }

    [Fact]
    public void Output_to_a_pipe_is_not_wrapped_at_80_columns()
    {
        var run = CliRunner.Run("train", "--data", "xor", "--layers", "2-4-2", "--epochs", "2");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var done = run.Stdout.Split('\n').Single(l => l.StartsWith("done", StringComparison.Ordinal));
        Assert.True(done.Length > 80, done);
        Assert.Contains("samples/s", done);
    }

    [Fact]
    public void Evals_confusion_matrix_title_is_one_line_in_a_file()
    {
        using var dir = new TempDir();
        Assert.Equal(0, CliRunner.Run("train", "--data", "blobs", "--epochs", "1", "--out", dir["m.json"]).ExitCode);
        var run = CliRunner.Run("eval", "--model", dir["m.json"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.Split('\n');
        int title = Array.FindIndex(lines, l => l.Contains("confusion matrix", StringComparison.Ordinal));
        Assert.Equal("confusion matrix (rows: actual, columns: predicted)", lines[title].TrimEnd());
        Assert.StartsWith("┌", lines[title + 1]); // the table follows at once, its title not wrapped over two lines
    }

    [Fact]
    public void A_label_out_of_range_names_the_data_row()
    {
        var e = Assert.Throws<BackpropException>(() => new Dataset("mine", [0f, 1f, 2f, 3f, 4f, 5f], 2, [0, 1, 3], classes: 2));
        Assert.Equal("mine: row 3 has label 3, outside the 2 classes 0..1", e.Message);
    }

    [Fact]
    public void A_sigmoid_before_bce_with_logits_is_warned_about_in_one_line()
    {
        using var dir = new TempDir();
        string net = dir.File("net.json", """{"layers":[{"type":"dense","inputs":2,"outputs":1,"init":"xavier"},{"type":"sigmoid"}],"loss":"bce_with_logits","seed":1}""");
        var run = CliRunner.Run("grad", "--network", net, "--inputs", dir.File("x.csv", "1,2\n"), "--targets", dir.File("t.csv", "1\n"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("backprop: warning: the network ends in a sigmoid, but bce_with_logits applies the sigmoid itself (it takes logits): remove the last sigmoid layer, or use a squared-error loss on the sigmoid's output", run.Stderr.TrimEnd());
        string plain = dir.File("plain.json", """{"layers":[{"type":"dense","inputs":2,"outputs":1,"init":"xavier"}],"loss":"bce_with_logits","seed":1}""");
        Assert.Equal("", CliRunner.Run("grad", "--network", plain, "--inputs", dir["x.csv"], "--targets", dir["t.csv"]).Stderr);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("the repository root (Backprop.slnx) is not above the test binaries");
    }
}
