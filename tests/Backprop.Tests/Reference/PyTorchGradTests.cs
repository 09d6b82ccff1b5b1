using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Backprop.Checking;
using Backprop.IO;
using Backprop.Model;
using Backprop.Tests.Cli;

namespace Backprop.Tests.Reference;

/// <summary>
/// `backprop grad` against PyTorch (Debian's python3-torch, which .ci/run installs) on random networks
/// covering every layer type and loss: float64 within 1e-9 relative, float32 within 2e-3.
/// </summary>
public class PyTorchGradTests
{
    private static readonly string[] Activations = ["identity", "sigmoid", "tanh", "relu", "leaky_relu"];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Grad_MatchesPyTorch(int seed)
    {
        var rng = new Random(seed);
        string loss = Backprop.Losses.Loss<double>.Names[seed % 5];
        int depth = 1 + rng.Next(3);
        var sizes = Enumerable.Range(0, depth + 1).Select(_ => 1 + rng.Next(6)).ToArray();
        if (loss == "cross_entropy") sizes[^1] = 2 + rng.Next(4);
        var layers = new List<LayerSpec>();
        for (int l = 0; l < depth; l++)
        {
            if (l > 0) layers.Add(new LayerSpec(Activations[(seed + l) % Activations.Length]) { Slope = (seed + l) % 5 == 4 ? 0.2 : null });
            layers.Add(new LayerSpec("dense") { Inputs = sizes[l], Outputs = sizes[l + 1], Init = "xavier_normal" });
        }
        var built = new NetworkSpec(layers, loss, seed).Build<double>();
        for (int l = 0; l < built.Layers.Count; l++) // non-zero biases exercise db
            if (built.Layers[l] is Backprop.Layers.Dense<double> d)
                foreach (ref var b in d.Bias.Value.Span) b = rng.NextDouble() - 0.5;
        var (x, t) = RandomBatch.For(built, 1 + seed % 4, seed);

        using var dir = new TempDir();
        NetworkJson.Save(NetworkSpec.From(built), dir["net.json"]);
        File.WriteAllText(dir["x.csv"], ToCsv(x.ToRows()));
        File.WriteAllText(dir["t.csv"], ToCsv(t.ToRows()));

        var reference = JsonNode.Parse(RunTorch(dir["net.json"], dir["x.csv"], dir["t.csv"]))!;
        foreach (var (precision, tolerance) in new[] { ("f64", 1e-9), ("f32", 2e-3) })
        {
            var run = CliRunner.Run("grad", "--network", dir["net.json"], "--inputs", dir["x.csv"], "--targets", dir["t.csv"], "--precision", precision);
            Assert.True(run.ExitCode == 0, run.Stderr);
            var ours = JsonNode.Parse(run.Stdout)!;
            Compare(reference["loss"]!, ours["loss"]!, tolerance, $"{precision} loss");
            Compare(reference["outputs"]!, ours["outputs"]!, tolerance, $"{precision} outputs");
            Compare(reference["inputs_grad"]!, ours["inputs_grad"]!, tolerance, $"{precision} inputs_grad");
            var refLayers = reference["layers"]!.AsArray();
            var ourLayers = ours["layers"]!.AsArray();
            Assert.Equal(refLayers.Count, ourLayers.Count);
            for (int i = 0; i < refLayers.Count; i++)
            {
                Assert.Equal((string?)refLayers[i]!["type"], (string?)ourLayers[i]!["type"]);
                Assert.Equal((int)refLayers[i]!["index"]!, (int)ourLayers[i]!["index"]!);
                foreach (var key in new[] { "weights_grad", "bias_grad" })
                {
                    Assert.Equal(refLayers[i]![key] is null, ourLayers[i]![key] is null);
                    if (refLayers[i]![key] is { } r) Compare(r, ourLayers[i]![key]!, tolerance, $"{precision} layer {i} {key}");
                }
            }
        }
    }

    /// <summary>Same shape, and ‖ours − torch‖∞ ≤ tolerance·max(‖torch‖∞, 1e-3) per tensor.</summary>
    private static void Compare(JsonNode expected, JsonNode actual, double tolerance, string what)
    {
        var e = Flatten(expected, out string eShape);
        var a = Flatten(actual, out string aShape);
        Assert.True(eShape == aShape, $"{what}: shape {aShape}, PyTorch has {eShape}");
        double scale = Math.Max(e.Select(Math.Abs).DefaultIfEmpty(0).Max(), 1e-3);
        double worst = e.Zip(a, (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0).Max();
        Assert.True(worst <= tolerance * scale, $"{what}: max difference {worst:e2} against a scale of {scale:e2}");
    }

    private static List<double> Flatten(JsonNode node, out string shape)
    {
        var values = new List<double>();
        var dims = new List<int>();
        void Walk(JsonNode n, int depth)
        {
            if (n is JsonArray arr)
            {
                if (dims.Count <= depth) dims.Add(arr.Count);
                foreach (var c in arr) Walk(c!, depth + 1);
            }
            else values.Add((double)n);
        }
        Walk(node, 0);
        shape = string.Join("x", dims);
        return values;
    }

    private static string ToCsv(double[][] rows) =>
        string.Join("\n", rows.Select(r => string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))) + "\n";

    private static string RunTorch(string net, string x, string t)
    {
        Assert.True(File.Exists("/usr/bin/python3"), "/usr/bin/python3 is missing: .ci/run installs python3-torch");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Reference", "torch_grad.py"), net, x, t }) start.ArgumentList.Add(a);
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(start)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"PyTorch reference failed (is python3-torch installed?): {stderr}");
        return stdout;
    }
}
