using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.IO;
using Backprop.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Backprop.Interop.Tests;

/// <summary>
/// The three recipes of docs/interop.md, run as written: in recipes 1 and 2 each python block is saved under the name
/// on its first line, each sh block runs in bash with <c>backprop</c> being the CLI built beside these tests; recipe 3
/// is recipes/ddp, which the doc shows as it is.
/// </summary>
public partial class RecipeTests
{
    [GeneratedRegex(@"```(\w+)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();

    /// <summary>Runs the recipe's blocks in a fresh folder; returns the folder and what the sh blocks printed.</summary>
    private static (TempDir Dir, string Output) RunRecipe(int number)
    {
        string doc = File.ReadAllText(Path.Combine(Tools.RepoRoot(), "docs", "interop.md"));
        int start = doc.IndexOf($"## Recipe {number}:", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/interop.md has no recipe {number}");
        int end = doc.IndexOf("## Recipe", start + 10, StringComparison.Ordinal);
        string section = end < 0 ? doc[start..] : doc[start..end];
        var dir = new TempDir();
        var output = new System.Text.StringBuilder();
        string cli = Path.Combine(AppContext.BaseDirectory, "Backprop.Cli.dll");
        foreach (Match block in Block().Matches(section))
        {
            string language = block.Groups[1].Value, code = block.Groups[2].Value;
            if (language == "python")
            {
                string name = code.Split('\n')[0].TrimStart('#', ' ').Split(':')[0].Trim();
                File.WriteAllText(dir[name], code);
            }
            else if (language == "sh")
            {
                string script = $"set -e\nbackprop() {{ dotnet '{cli}' \"$@\"; }}\npython3() {{ /usr/bin/python3 \"$@\"; }}\n{code}";
                var run = Tools.Run("bash", ["-c", script], dir.Path);
                Assert.True(run.ExitCode == 0, $"recipe {number}:\n{code}\nfailed: {run.Stderr}");
                output.Append(run.Stdout);
            }
        }
        return (dir, output.ToString());
    }

    [Fact]
    public void Recipe1_ExplainYourPyTorchMlp_GivesAutogradsGradient()
    {
        var (dir, output) = RunRecipe(1);
        using (dir)
        {
            double torch = double.Parse(Regex.Match(output, @"torch: dE/dw1_11 = (\S+)").Groups[1].Value, CultureInfo.InvariantCulture);
            var ours = Regex.Match(output, @"sum over all paths = (\S+)\s+matrix result \(∂E/∂W¹\)\[1,1\] = (\S+)");
            Assert.True(ours.Success, output);
            foreach (int g in new[] { 1, 2 })
            {
                double value = double.Parse(ours.Groups[g].Value, CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(value - torch) <= 1e-3 * Math.Abs(torch), $"{value} vs torch {torch}");
            }
            Assert.Contains("<svg", File.ReadAllText(dir["report.html"]));
        }
    }

    /// <summary>The C# of recipe 2, which this test runs as it stands in the doc.</summary>
    private const string Recipe2Code = """
        using var session = new InferenceSession("xor.onnx");
        var input = new DenseTensor<float>(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, [4, 2]);   // any batch size
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        var logits = results.Single(r => r.Name == "output").AsTensor<float>();             // [4, 2]: argmax is the class
        """;

    [Fact]
    public void Recipe2_TrainHereRunAnywhere_OnnxRuntimeGivesOurOutputs()
    {
        var (dir, _) = RunRecipe(2);
        using (dir)
        {
            string doc = File.ReadAllText(Path.Combine(Tools.RepoRoot(), "docs", "interop.md"));
            Assert.Contains(Recipe2Code.ReplaceLineEndings("\n"), doc);
            string cwd = Environment.CurrentDirectory;
            Tensor<float> logits;
            try
            {
                Environment.CurrentDirectory = dir.Path; // the doc's code opens "xor.onnx" where it runs
                using var session = new InferenceSession("xor.onnx");
                var input = new DenseTensor<float>(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, [4, 2]);   // any batch size
                using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
                logits = results.Single(r => r.Name == "output").AsTensor<float>().Clone();
            }
            finally
            {
                Environment.CurrentDirectory = cwd;
            }
            var net = NetworkJson.Load(dir["xor.json"]).Build<float>();
            var ours = net.Forward(Matrix<float>.FromRows([[0, 0], [0, 1], [1, 0], [1, 1]]));
            Assert.Equal([4, 2], logits.Dimensions.ToArray());
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 2; j++)
                    Assert.True(Math.Abs(ours[i, j] - logits[i, j]) <= 1e-5 * Math.Max(1, Math.Abs(ours[i, j])), $"[{i},{j}]: {ours[i, j]} vs {logits[i, j]}");
        }
    }

    /// <summary>Recipe 3's section of the doc and its scripts' folder.</summary>
    private static (string Section, string Folder) Recipe3()
    {
        string doc = File.ReadAllText(Path.Combine(Tools.RepoRoot(), "docs", "interop.md"));
        int start = doc.IndexOf("## Recipe 3:", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/interop.md has no recipe 3");
        return (doc[start..], Path.Combine(Tools.RepoRoot(), "recipes", "ddp"));
    }

    /// <summary>Each rank's "rank R of W: final weights sha256 H" line: two ranks of two, one fingerprint; returns it.</summary>
    private static string OneFingerprintOfTwoRanks(string output)
    {
        var lines = FinalWeights().Matches(output);
        Assert.True(lines.Count == 2, $"expected the final weights of 2 ranks:\n{output}");
        Assert.Equal(["0", "1"], lines.Select(l => l.Groups[1].Value).Order());
        Assert.All(lines, l => Assert.Equal("2", l.Groups[2].Value));
        Assert.True(lines[0].Groups[3].Value == lines[1].Groups[3].Value, $"the replicas' weights differ:\n{output}");
        return lines[0].Groups[3].Value;
    }

    [GeneratedRegex(@"rank (\d+) of (\d+): final weights sha256 ([0-9a-f]{64})")]
    private static partial Regex FinalWeights();

    /// <summary>The sha256 of a safetensors file's data: the bytes after the 8-byte size and the header.</summary>
    private static string DataFingerprint(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        long header = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(file);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file.AsSpan(checked(8 + (int)header))));
    }

    [Fact]
    public void Recipe3_OutgrowOneMachine_TorchrunContinuesOnTwoProcessesAndComesBackBetter()
    {
        var (section, folder) = Recipe3();
        // The doc shows each script as it is and run.sh's steps as they are.
        var blocks = Block().Matches(section);
        var scripts = blocks.Where(b => b.Groups[1].Value == "python").Select(b => b.Groups[2].Value).ToList();
        Assert.Equal(["continue_ddp.py", "make_data.py", "safetensors_io.py"], scripts.Select(c => c.Split('\n')[0].TrimStart('#', ' ').Split(':')[0]).Order());
        foreach (string code in scripts)
        {
            string name = code.Split('\n')[0].TrimStart('#', ' ').Split(':')[0];
            Assert.True(File.ReadAllText(Path.Combine(folder, name)) == code, $"docs/interop.md shows another {name} than recipes/ddp has");
        }
        string steps = Assert.Single(blocks, b => b.Groups[1].Value == "sh").Groups[2].Value;
        Assert.Contains(steps, File.ReadAllText(Path.Combine(folder, "run.sh")));

        using var dir = new TempDir();
        string cli = Path.Combine(AppContext.BaseDirectory, "Backprop.Cli.dll");
        string script = $"backprop() {{ dotnet '{cli}' \"$@\"; }}\nexport -f backprop\nexport PYTHON=/usr/bin/python3\nexec '{folder}/run.sh' '{dir.Path}'";
        var run = Tools.Run("bash", ["-c", script], dir.Path);
        string output = run.Stdout + run.Stderr;
        Assert.True(run.ExitCode == 0, $"recipes/ddp/run.sh failed:\n{output}");

        // Both replicas end with the same weights, and they are the bytes rank 0 saved.
        string replicas = OneFingerprintOfTwoRanks(output);
        Assert.Equal(replicas, DataFingerprint(dir["back.safetensors"]));

        // PyTorch started from backprop's network: its first loss is ours on the same rows.
        var started = Regex.Match(output, @"starting loss (\S+) on (\d+) rows, 2 ranks");
        Assert.True(started.Success, output);
        var rows = File.ReadAllLines(dir["spirals-train.csv"]).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.Equal(rows.Length, int.Parse(started.Groups[2].Value, CultureInfo.InvariantCulture));
        double torch = double.Parse(started.Groups[1].Value, CultureInfo.InvariantCulture);
        double ours = NetworkJson.Load(dir["spirals.json"]).Build<double>()
            .ComputeGradients(Matrix<double>.FromRows([.. rows.Select(r => r[..2])]), Matrix<double>.FromRows([.. rows.Select(r => r[2..])]));
        Assert.True(Math.Abs(ours - torch) <= 1e-4 * ours, $"our loss {ours} vs PyTorch's first {torch}");

        // Imported back and scored on the held-out file, every row: better than where backprop left it.
        int heldOut = File.ReadAllLines(dir["spirals-test.csv"]).Length;
        double Accuracy(string model)
        {
            var eval = Tools.Cli("eval", "--model", dir[model], "--data", dir["spirals-test.csv"], "--all", "--json");
            Assert.True(eval.ExitCode == 0, eval.Stderr);
            var result = System.Text.Json.Nodes.JsonNode.Parse(eval.Stdout)!;
            Assert.Equal(heldOut, result["examples"]!.GetValue<int>());
            return result["accuracy"]!.GetValue<double>();
        }
        double before = Accuracy("spirals.json"), after = Accuracy("back.json");
        Assert.True(after > before + 0.1, $"held-out accuracy {before:P2} → {after:P2}");
    }

    [Fact]
    public async Task Recipe3_TheTwoMachineCommand_RunAsTwoNodesOn127001_GivesTheSameWeights()
    {
        var (section, folder) = Recipe3();
        string command = Assert.Single(Block().Matches(section), b => b.Groups[2].Value.Contains("--nnodes 2")).Groups[2].Value;
        // One process per node, and both nodes here: HOST is 127.0.0.1 on a free port.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        string node = Regex.Replace(command, @"--nproc_per_node \d+", "--nproc_per_node 1").Replace("HOST:29400", $"127.0.0.1:{port}");
        Assert.NotEqual(command, node);

        using var dir = new TempDir();
        foreach (string name in Directory.GetFiles(folder, "*.py")) File.Copy(name, dir[Path.GetFileName(name)]);
        Tools.Python(dir.Path, "make_data.py");
        var train = Tools.CliIn(dir.Path, "train", "--data", "spirals-train.csv", "--layers", "2-16-2", "--activation", "tanh", "--loss", "cross_entropy", "--epochs", "2", "--out", "spirals.json");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.True(Tools.CliIn(dir.Path, "export", "--network", "spirals.json", "--format", "safetensors", "--out", "spirals.safetensors").ExitCode == 0);

        string python = "python3() { /usr/bin/python3 \"$@\"; }\n";
        var nodes = await Task.WhenAll(Enumerable.Range(0, 2).Select(n =>
            Task.Run(() => Tools.Run("bash", ["-c", python + node.Replace("--log_dir logs", $"--log_dir logs-{n}")], dir.Path))));
        string output = string.Concat(nodes.Select(r => r.Stdout + r.Stderr));
        Assert.True(nodes.All(r => r.ExitCode == 0), $"a node failed:\n{output}");
        Assert.Equal(OneFingerprintOfTwoRanks(output), DataFingerprint(dir["back.safetensors"]));
    }
}
