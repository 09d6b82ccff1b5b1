using System.Text.Json.Nodes;
using Backprop.IO;
using Backprop.Model;

namespace Backprop.Interop.Tests;

/// <summary>
/// The command line: export and import, every network option reading all three formats by content, --loss
/// overriding the network's loss, and bad files giving one line with an --out left as it was.
/// </summary>
public class CliInteropTests
{
    private static NetworkSpec Spirals() => NetworkSpec.Mlp([2, 8, 2], "tanh", "cross_entropy", "xavier", seed: 3);

    /// <summary>The same network as JSON, ONNX (f64) and safetensors (f64), under names that do not give the format away.</summary>
    private static (string Json, string Onnx, string Safetensors) ThreeFormats(TempDir dir, NetworkSpec spec)
    {
        NetworkJson.Save(NetworkSafetensors.WithWeights(spec), dir["net.json"]);
        var export1 = Tools.Cli("export", "--network", dir["net.json"], "--format", "onnx", "--out", dir["model.dat"], "--precision", "f64");
        var export2 = Tools.Cli("export", "--network", dir["model.dat"], "--out", dir["weights.safetensors"], "--precision", "f64");
        Assert.True(export1.ExitCode == 0 && export2.ExitCode == 0, export1.Stderr + export2.Stderr);
        File.Move(dir["weights.safetensors"], dir["weights.bin"]);
        File.Move(dir["net.json"], dir["net.txt"]);
        return (dir["net.txt"], dir["model.dat"], dir["weights.bin"]);
    }

    [Fact]
    public void Grad_ReadsEveryFormatByContent_WithTheSameResult()
    {
        using var dir = new TempDir();
        var (json, onnx, safetensors) = ThreeFormats(dir, Spirals());
        File.WriteAllLines(dir["x.csv"], ["0.5,-1", "2,0.25", "-1.5,1"]);
        File.WriteAllLines(dir["t.csv"], ["0", "1", "1"]);
        var outputs = new[] { json, onnx, safetensors }.Select(net =>
        {
            var run = Tools.Cli("grad", "--network", net, "--inputs", dir["x.csv"], "--targets", dir["t.csv"]);
            Assert.True(run.ExitCode == 0, run.Stderr);
            return run.Stdout;
        }).ToList();
        Assert.Equal(outputs[0], outputs[1]);
        Assert.Equal(outputs[0], outputs[2]);
    }

    [Fact]
    public void TrainEvalAndGradcheck_TakeOnnxAndSafetensors()
    {
        using var dir = new TempDir();
        var (_, onnx, safetensors) = ThreeFormats(dir, Spirals());
        var train = Tools.Cli("train", "--network", safetensors, "--data", "xor", "--epochs", "2", "--out", dir["trained.json"]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        var eval = Tools.Cli("eval", "--model", onnx, "--data", "xor", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.NotNull(JsonNode.Parse(eval.Stdout.Trim().Split('\n')[^1])!["accuracy"]);
        var check = Tools.Cli("gradcheck", "--network", onnx);
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
        Assert.Contains("gradients match finite differences", check.Stdout);
    }

    [Fact]
    public void Loss_OverridesTheNetworksLoss_InGradExplainAndGradcheck()
    {
        using var dir = new TempDir();
        var spec = NetworkSpec.Mlp([2, 3, 2], "sigmoid", "cross_entropy", "xavier", seed: 5);
        var (json, onnx, _) = ThreeFormats(dir, spec);
        File.WriteAllLines(dir["x.csv"], ["0.5,-1", "2,0.25"]);
        File.WriteAllLines(dir["t.csv"], ["0.1,0.9", "1,0"]);
        NetworkJson.Save(IO.NetworkJson.Load(json) with { Loss = "mse" }, dir["mse.json"]);
        string[] batch = ["--inputs", dir["x.csv"], "--targets", dir["t.csv"]];
        var overridden = Tools.Cli(["grad", "--network", onnx, "--loss", "mse", .. batch]);
        var reference = Tools.Cli(["grad", "--network", dir["mse.json"], .. batch]);
        var own = Tools.Cli(["grad", "--network", onnx, .. batch]);
        Assert.True(overridden.ExitCode == 0 && reference.ExitCode == 0 && own.ExitCode == 0, overridden.Stderr + reference.Stderr + own.Stderr);
        Assert.Equal(reference.Stdout, overridden.Stdout);
        Assert.NotEqual(reference.Stdout, own.Stdout);
        var explain = Tools.Cli(["explain", "--network", onnx, "--loss", "mse", "--format", "json", .. batch]);
        Assert.True(explain.ExitCode == 0, explain.Stderr);
        Assert.Contains("mse", explain.Stdout);
        var badLoss = Tools.Cli(["grad", "--network", onnx, "--loss", "hinge", .. batch]);
        Assert.Equal(1, badLoss.ExitCode);
        Assert.Contains("unknown loss 'hinge'", badLoss.Stderr);
    }

    [Fact]
    public void Import_OfOurOwnFiles_NeedsNoFlags()
    {
        using var dir = new TempDir();
        var spec = NetworkSafetensors.WithWeights(NetworkSpec.Mlp([3, 4, 4, 2], "leaky_relu", "bce_with_logits", "he", seed: 2)) with { Seed = null };
        var (_, onnx, safetensors) = ThreeFormats(dir, spec);
        foreach (var file in new[] { onnx, safetensors })
        {
            var run = Tools.Cli("import", file, "--out", dir["back.json"]);
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Equal(NetworkJson.Write(spec), NetworkJson.Write(NetworkJson.Load(dir["back.json"])));
        }
    }

    [Fact]
    public void A_trained_networks_data_set_survives_export_and_import_so_eval_needs_no_data_option()
    {
        using var dir = new TempDir();
        var train = Tools.Cli("train", "--data", "xor", "--layers", "2-4-2", "--epochs", "3", "--seed", "5", "--out", dir["trained.json"]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        var trainedOn = NetworkJson.Load(dir["trained.json"]).TrainedOn;
        Assert.Equal(new TrainedOn("xor", 5), trainedOn);
        var reference = Tools.Cli("eval", "--model", dir["trained.json"], "--json");
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        foreach (string file in new[] { dir["trained.onnx"], dir["trained.safetensors"] })
        {
            var export = Tools.Cli("export", "--network", dir["trained.json"], "--out", file, "--precision", "f64");
            Assert.True(export.ExitCode == 0, export.Stderr);
            var eval = Tools.Cli("eval", "--model", file, "--json"); // the data set and its split come from the file
            Assert.True(eval.ExitCode == 0, eval.Stderr);
            Assert.Equal(reference.Stdout.Trim().Split('\n')[^1], eval.Stdout.Trim().Split('\n')[^1]);
            var import = Tools.Cli("import", file, "--out", dir["back.json"]);
            Assert.True(import.ExitCode == 0, import.Stderr);
            Assert.Equal(trainedOn, NetworkJson.Load(dir["back.json"]).TrainedOn);
        }
    }

    public static TheoryData<string, string> BadFiles() => new()
    {
        { "empty.onnx", "" },
        { "random.onnx", "\u0001\u00ff\u0013garbage\u0000\u0007" },
        { "short.safetensors", "\u0010\u0000\u0000" },
        { "lying.safetensors", "\u00ff\u00ff\u0000\u0000\u0000\u0000\u0000\u0000{\"0.weight\":{}}" },
        { "bad.json", "{ \"layers\": [ { \"type\": \"conv\" } ] }" },
        { "ragged.json", "{ \"layers\": [ { \"type\": \"dense\", \"weights\": [[1, 2], [3]], \"bias\": [0, 0] } ] }" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadFiles_GiveOneLine_AndLeaveOutUntouched(string name, string content)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir[name], content, System.Text.Encoding.Latin1);
        File.WriteAllText(dir["out.json"], "keep me");
        File.WriteAllText(dir["out.onnx"], "keep me too");
        foreach (var args in new[]
        {
            new[] { "import", dir[name], "--out", dir["out.json"] },
            ["export", "--network", dir[name], "--format", "onnx", "--out", dir["out.onnx"]],
            ["export", "--network", dir[name], "--format", "safetensors", "--out", dir["out.onnx"]],
            ["gradcheck", "--network", dir[name]],
        })
        {
            var run = Tools.Cli(args);
            Assert.True(run.ExitCode == 1, $"{string.Join(' ', args)}: exit {run.ExitCode}\n{run.Stderr}");
            string line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("backprop: error: ", line);
        }
        Assert.Equal("keep me", File.ReadAllText(dir["out.json"]));
        Assert.Equal("keep me too", File.ReadAllText(dir["out.onnx"]));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Export_RefusesUnknownFormatAndMissingDirectory()
    {
        using var dir = new TempDir();
        NetworkJson.Save(Spirals(), dir["net.json"]);
        var format = Tools.Cli("export", "--network", dir["net.json"], "--format", "pt", "--out", dir["net.pt"]);
        Assert.Equal(1, format.ExitCode);
        Assert.Contains("--format 'pt': expected onnx, safetensors or json", format.Stderr);
        var missing = Tools.Cli("export", "--network", dir["net.json"], "--out", dir["no/such/net.onnx"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr);
    }
}
