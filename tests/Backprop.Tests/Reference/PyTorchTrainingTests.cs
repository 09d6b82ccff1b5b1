using System.Diagnostics;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backprop.IO;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Tests.Reference;

/// <summary>
/// Training step for step against PyTorch: the same initial weights, the same batches, the same SGD.
/// Forward, loss, backward and update must agree at every step, so any difference in accuracy between the
/// two (in the benchmark, say) comes from the seeds, not from the algorithm.
/// </summary>
public class PyTorchTrainingTests
{
    [Theory]
    [InlineData("relu", "cross_entropy", 0.9, 0.0, "f64")]
    [InlineData("relu", "cross_entropy", 0.0, 0.01, "f32")]
    [InlineData("tanh", "mse", 0.9, 0.001, "f64")]
    [InlineData("sigmoid", "half_sse", 0.5, 0.0, "f32")]
    public void SgdTraining_FollowsPyTorchStepForStep(string activation, string loss, double momentum, double weightDecay, string precision) =>
        Compare(activation, loss, momentum, weightDecay, precision, batch: 16, steps: 40, trainer: false);

    /// <summary>
    /// The trainer's own step (plain SGD: W is updated inside the product dW = Xᵀ·Δ) at a batch longer than one slice
    /// of k of the product (128 doubles, 256 floats), so the update must wait for the last slice: what the benchmark's
    /// Fashion-MNIST runs at batch 512 do.
    /// </summary>
    [Theory]
    [InlineData("f64")]
    [InlineData("f32")]
    public void TheTrainersFusedStep_AtABatchOfSeveralSlices_FollowsPyTorch(string precision) =>
        Compare("relu", "cross_entropy", 0.0, 0.0, precision, batch: 300, steps: 8, trainer: true);

    private static void Compare(string activation, string loss, double momentum, double weightDecay, string precision, int batch, int steps, bool trainer)
    {
        const int examples = 200, inputs = 40, classes = 4;
        var rng = new Random(11);
        var x = new double[examples][];
        var t = new double[examples][];
        for (int i = 0; i < examples; i++)
        {
            x[i] = [.. Enumerable.Range(0, inputs).Select(_ => rng.NextDouble())];
            int c = rng.Next(classes);
            t[i] = loss == "cross_entropy" ? [c] : [.. Enumerable.Range(0, classes).Select(k => k == c ? 1.0 : 0.0)];
        }
        var order = Enumerable.Range(0, steps).Select(_ => Enumerable.Range(0, batch).Select(_ => rng.Next(examples)).ToArray()).ToArray();
        var spec = NetworkSpec.From(NetworkSpec.Mlp([inputs, 48, 24, classes], activation, loss, seed: 5).Build<double>());
        double lr = loss == "half_sse" ? 0.02 : 0.1;

        var (ourLosses, ourWeights) = precision == "f64"
            ? TrainOurs<double>(spec, x, t, order, lr, momentum, weightDecay, trainer)
            : TrainOurs<float>(spec, x, t, order, lr, momentum, weightDecay, trainer);
        var reference = RunTorch(new JsonObject
        {
            ["network"] = JsonNode.Parse(NetworkJson.Write(spec)),
            ["dtype"] = precision == "f64" ? "float64" : "float32",
            ["x"] = JsonSerializer.SerializeToNode(x),
            ["t"] = JsonSerializer.SerializeToNode(t),
            ["steps"] = JsonSerializer.SerializeToNode(order),
            ["lr"] = lr,
            ["momentum"] = momentum,
            ["weight_decay"] = weightDecay,
        });

        double tolerance = precision == "f64" ? 1e-9 : 2e-4;
        var torchLosses = reference["losses"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal(steps, torchLosses.Length);
        for (int s = 0; s < steps; s++)
            Assert.True(Math.Abs(ourLosses[s] - torchLosses[s]) <= tolerance * Math.Max(1, Math.Abs(torchLosses[s])), $"step {s}: loss {ourLosses[s]} vs PyTorch {torchLosses[s]}");
        Assert.True(torchLosses[^1] < torchLosses[0], "the run must actually learn, or the comparison proves little");
        var torchWeights = reference["weights"]!.AsArray();
        for (int l = 0; l < ourWeights.Count; l++)
        {
            var w = torchWeights[l]![0]!.AsArray().SelectMany(r => r!.AsArray().Select(v => (double)v!)).ToArray();
            var b = torchWeights[l]![1]!.AsArray().Select(v => (double)v!).ToArray();
            double[] expected = [.. w, .. b];
            double scale = expected.Max(Math.Abs);
            double worst = expected.Zip(ourWeights[l], (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst <= tolerance * scale, $"layer {l}: weights differ by {worst:e2} after {steps} steps (scale {scale:e2})");
        }
    }

    private static (double[] Losses, List<double[]> Weights) TrainOurs<T>(NetworkSpec spec, double[][] x, double[][] t, int[][] order,
        double lr, double momentum, double weightDecay, bool trainer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var net = spec.Build<T>();
        var sgd = new Sgd<T>(lr, momentum, weightDecay);
        var parameters = net.Parameters.ToList();
        var steps = new Trainer<T>(net, new Sgd<T>(lr, momentum, weightDecay), order[0].Length, 1);
        var losses = new double[order.Length];
        for (int s = 0; s < order.Length; s++)
        {
            var xb = Matrix<T>.FromRows([.. order[s].Select(i => x[i])]);
            var tb = Matrix<T>.FromRows([.. order[s].Select(i => t[i])]);
            if (trainer)
            {
                losses[s] = steps.TrainBatch(xb, tb);
                continue;
            }
            losses[s] = net.ComputeGradients(xb, tb);
            sgd.Step(parameters);
        }
        var weights = net.DenseLayers.Select(d => (double[])[.. d.Weights.Value.ToRows().SelectMany(r => r), .. d.Bias.Value.ToRows()[0]]).ToList();
        return (losses, weights);
    }

    private static JsonNode RunTorch(JsonObject request)
    {
        Assert.True(File.Exists("/usr/bin/python3"), "/usr/bin/python3 is missing: scripts/test.sh installs python3-torch");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Reference", "torch_train.py"));
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(start)!;
        p.StandardInput.Write(request.ToJsonString());
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"PyTorch reference failed (is python3-torch installed?): {stderr}");
        return JsonNode.Parse(stdout.Result)!;
    }
}
