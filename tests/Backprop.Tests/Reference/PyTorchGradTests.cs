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
/// covering every layer type and loss, small and wide (past GemmSmall.Tiny): float64 within 1e-9 relative, float32 within 2e-3.
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
        CheckAgainstPyTorch(built, x, t);
    }

    private static readonly string[] Losses = ["sse", "half_sse", "mse", "cross_entropy", "bce_with_logits"];

    /// <summary>Every loss × batch 1, 2 and 47; the activations rotate so each meets every loss and every batch.</summary>
    public static TheoryData<string, int> WideCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var loss in Losses)
            foreach (int batch in new[] { 1, 2, 47 }) data.Add(loss, batch);
        return data;
    }

    /// <summary>
    /// Layers 40–70 wide, so that every product is past GemmSmall.Tiny: batches of one and two take the
    /// few-rows path forward and for Δ·Wᵀ, the blocked driver (AVX kernels, edge tiles, K = 1 or 2) for
    /// Xᵀ·Δ, and batch 47 the driver everywhere (split over threads where the product is large enough).
    /// Each dense layer is followed by an activation, the last one included, so the forward pass runs the
    /// fused bias + σ epilogue and the backward the fused σ'/Δ/db sweep on every layer.
    /// </summary>
    [Theory]
    [MemberData(nameof(WideCases))]
    public void Grad_OnWideLayers_MatchesPyTorch(string loss, int batch)
    {
        int l = Array.IndexOf(Losses, loss), b = batch switch { 1 => 0, 2 => 1, _ => 2 };
        var rng = new Random(100 + 10 * l + b);
        int lo = batch switch { 1 => 65, 2 => 46, _ => 40 }; // 1·65·65 and 2·46·46 exceed TinyWork = 4096
        int[] sizes = [.. Enumerable.Range(0, 4).Select(_ => lo + rng.Next(71 - lo))];
        for (int i = 0; i + 1 < sizes.Length; i++)
            Assert.True((long)batch * sizes[i] * sizes[i + 1] > Backprop.Tensors.GemmSmall<double>.TinyWork, "a product would take the tiny path");
        var layers = new List<LayerSpec>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            layers.Add(new LayerSpec("dense")
            {
                Inputs = sizes[i],
                Outputs = sizes[i + 1],
                Init = "xavier_normal",
                Bias = [.. Enumerable.Range(0, sizes[i + 1]).Select(_ => rng.NextDouble() - 0.5)],
            });
            string activation = Activations[(l + b + i) % Activations.Length];
            layers.Add(new LayerSpec(activation) { Slope = activation == "leaky_relu" && (l + b) % 2 == 0 ? 0.2 : null });
        }
        var built = new NetworkSpec(layers, loss, 7 + l).Build<double>();
        var (x, t) = RandomBatch.For(built, batch, 11 * l + b);
        CheckAgainstPyTorch(built, x, t);
    }

    /// <summary>cross_entropy with a row of K probabilities per example (soft labels) instead of class indices.</summary>
    [Theory]
    [InlineData(3, new[] { 4, 5, 3 }, false)]
    [InlineData(2, new[] { 3, 1, 4 }, true)]
    [InlineData(1, new[] { 66, 70, 68 }, false)]
    [InlineData(2, new[] { 50, 64, 47 }, false)]
    [InlineData(47, new[] { 57, 63, 41 }, true)]
    public void Grad_WithProbabilityTargets_MatchesPyTorch(int batch, int[] sizes, bool unnormalized)
    {
        var rng = new Random(batch * 1000 + sizes[^1]);
        var layers = new List<LayerSpec>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            if (i > 0) layers.Add(new LayerSpec(Activations[(batch + i) % Activations.Length]));
            layers.Add(new LayerSpec("dense")
            {
                Inputs = sizes[i],
                Outputs = sizes[i + 1],
                Init = "xavier_normal",
                Bias = [.. Enumerable.Range(0, sizes[i + 1]).Select(_ => rng.NextDouble() - 0.5)],
            });
        }
        var built = new NetworkSpec(layers, "cross_entropy", batch).Build<double>();
        var (x, _) = RandomBatch.For(built, batch, batch);
        int k = sizes[^1];
        var t = new Backprop.Tensors.Matrix<double>(batch, k);
        for (int r = 0; r < batch; r++)
        {
            // softmax of random logits: a proper distribution, far from one-hot; optionally a mass other than 1
            var row = t.Row(r);
            for (int j = 0; j < k; j++) row[j] = Math.Exp(2 * Backprop.Tensors.Gaussian.StandardNormal(rng));
            double sum = 0;
            foreach (var v in row) sum += v;
            double mass = unnormalized ? 0.5 + rng.NextDouble() : 1;
            for (int j = 0; j < k; j++) row[j] *= mass / sum;
        }
        CheckAgainstPyTorch(built, x, t);
    }

    /// <summary>Writes the network and batch, runs torch_grad.py and `backprop grad` in f64 and f32, compares every tensor.</summary>
    private static void CheckAgainstPyTorch(Network<double> built, Backprop.Tensors.Matrix<double> x, Backprop.Tensors.Matrix<double> t)
    {
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
