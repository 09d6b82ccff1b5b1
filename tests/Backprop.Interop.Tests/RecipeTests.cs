using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.IO;
using Backprop.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Backprop.Interop.Tests;

/// <summary>
/// The three recipes of docs/interop.md, run as written: each python block is saved under the name on its first
/// line, each sh block runs in bash with <c>backprop</c> being the CLI built beside these tests.
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

    [Fact]
    public void Recipe3_OutgrowOneMachine_PyTorchContinuesFromOurWeights()
    {
        var (dir, output) = RunRecipe(3);
        using (dir)
        {
            var m = Regex.Match(output, @"loss before (\S+) after (\S+)");
            Assert.True(m.Success, output);
            double before = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), after = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            Assert.True(after < before, $"PyTorch's training did not go on: loss {before} → {after}");
            // PyTorch started from our network: its first loss is ours on the same data.
            var net = NetworkJson.Load(dir["spirals.json"]).Build<double>();
            var rows = File.ReadAllLines(dir["spirals.csv"]).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
            var x = Matrix<double>.FromRows([.. rows.Select(r => r[..2])]);
            var t = Matrix<double>.FromRows([.. rows.Select(r => r[2..])]);
            double ours = net.ComputeGradients(x, t);
            Assert.True(Math.Abs(ours - before) <= 1e-3 * before + 1e-4, $"our loss {ours} vs PyTorch's first {before}");
        }
    }
}
