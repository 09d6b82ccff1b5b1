using Backprop.Checking;
using Backprop.Model;

namespace Backprop.Tests.Core;

/// <summary>Backpropagation against fourth-order central differences over a seeded sweep of random networks.</summary>
public class GradcheckSweepTests
{
    private static readonly string[] Activations = ["identity", "sigmoid", "tanh", "relu", "leaky_relu"];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomNetwork_GradientsMatchFiniteDifferences(int seed)
    {
        var rng = new Random(seed);
        int depth = 1 + rng.Next(4);
        string loss = Backprop.Losses.Loss<double>.Names[seed % 5];
        int[] sizes = [.. Enumerable.Range(0, depth + 1).Select(_ => 1 + rng.Next(5))];
        if (loss == "cross_entropy" && sizes[^1] == 1 && seed % 2 == 0) sizes[^1] = 3;
        var layers = new List<LayerSpec>();
        for (int l = 0; l < depth; l++)
        {
            if (l > 0)
            {
                string a = Activations[rng.Next(Activations.Length)];
                layers.Add(new LayerSpec(a) { Slope = a == "leaky_relu" ? rng.NextDouble() * 0.3 : null });
            }
            layers.Add(new LayerSpec("dense")
            {
                Inputs = sizes[l],
                Outputs = sizes[l + 1],
                Init = "xavier_normal",
                Bias = [.. Enumerable.Range(0, sizes[l + 1]).Select(_ => rng.NextDouble() - 0.5)],
            });
        }
        if (rng.Next(3) == 0) layers.Add(new LayerSpec(Activations[rng.Next(Activations.Length)]));
        var net = new NetworkSpec(layers, loss, seed).Build<double>();
        int batch = 1 + seed % 5; // batch 1 included
        var (x, t) = RandomBatch.For(net, batch, seed);

        var checks = GradientCheck.Run(net, x, t, includeInputs: true);

        Assert.NotEmpty(checks);
        foreach (var c in checks) Assert.True(c.MaxRelativeError < 1e-6, $"{net}: {c.Name} relative error {c.MaxRelativeError:e2}");
    }

    /// <summary>
    /// Layers 40–70 wide, past GemmSmall.Tiny: batch 1 and 2 take the few-rows path (and the blocked driver
    /// with K = 1 or 2 for Xᵀ·Δ), batch 33 the blocked driver with its AVX kernels and edge tiles; an
    /// activation after every dense layer runs the fused epilogue and the fused backward sweep throughout.
    /// Kept to three cases: the check costs four forward passes per parameter. Losses that average (mse,
    /// cross_entropy, BCE) keep the loss near 1, so the differences' rounding (≈ ε·L/h) stays far below 1e-6;
    /// the seeds keep every ReLU input away from the kink, where a finite difference means nothing.
    /// </summary>
    [Theory]
    [InlineData(1, new[] { 66, 70, 67 }, new[] { "tanh", "leaky_relu" }, "mse", 1)]
    [InlineData(2, new[] { 47, 64, 53 }, new[] { "sigmoid", "identity" }, "cross_entropy", 2)]
    [InlineData(33, new[] { 41, 56, 45 }, new[] { "relu", "sigmoid" }, "bce_with_logits", 35)]
    public void WideNetwork_GradientsMatchFiniteDifferences(int batch, int[] sizes, string[] activations, string loss, int seed)
    {
        var rng = new Random(seed);
        var layers = new List<LayerSpec>();
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            Assert.True((long)batch * sizes[l] * sizes[l + 1] > Backprop.Tensors.GemmSmall<double>.TinyWork, "a product would take the tiny path");
            layers.Add(new LayerSpec("dense")
            {
                Inputs = sizes[l],
                Outputs = sizes[l + 1],
                Init = "xavier_normal",
                Bias = [.. Enumerable.Range(0, sizes[l + 1]).Select(_ => rng.NextDouble() - 0.5)],
            });
            layers.Add(new LayerSpec(activations[l]) { Slope = activations[l] == "leaky_relu" ? 0.2 : null });
        }
        var net = new NetworkSpec(layers, loss, seed).Build<double>();
        var (x, t) = RandomBatch.For(net, batch, seed);
        net.Forward(x);
        for (int l = 1; l < net.Layers.Count; l += 2)
            if (net.Layers[l].Type is "relu" or "leaky_relu")
                foreach (var z in net.Layers[l - 1].Output!.Span)
                    Assert.True(Math.Abs(z) > 1e-3, $"layer {l - 1}: Z = {z:e2} is within a finite-difference step of the kink (pick another seed)");

        var checks = GradientCheck.Run(net, x, t, includeInputs: true);

        Assert.Equal(5, checks.Count);
        foreach (var c in checks) Assert.True(c.MaxRelativeError < 1e-6, $"{net}: {c.Name} relative error {c.MaxRelativeError:e2}");
    }

    /// <summary>A sigmoid whose σ' is wrong (σ instead of σ(1 − σ)), to show the check can fail.</summary>
    private sealed class BrokenSigmoid : Backprop.Layers.Activation<double>
    {
        public override string Type => "sigmoid";
        protected override void Apply(ReadOnlySpan<double> z, Span<double> h) => System.Numerics.Tensors.TensorPrimitives.Sigmoid(z, h);
        protected override void Differentiate(ReadOnlySpan<double> z, ReadOnlySpan<double> h, Span<double> d) => h.CopyTo(d);
    }

    [Fact]
    public void GradientCheck_CatchesAWrongDerivative()
    {
        var good = NetworkSpec.Mlp([2, 3, 1], "sigmoid", "half_sse", "xavier", 1).Build<double>();
        var broken = new Network<double>([good.Layers[0], new BrokenSigmoid(), good.Layers[2]], good.Loss);
        var (x, t) = RandomBatch.For(good, 2, 1);

        Assert.All(GradientCheck.Run(good, x, t), c => Assert.True(c.MaxRelativeError < 1e-6));
        var layer0 = GradientCheck.Run(broken, x, t).First(c => c.Layer == 0 && c.Parameter == "W");
        Assert.True(layer0.MaxRelativeError > 1e-2, $"a wrong σ' went unnoticed ({layer0.MaxRelativeError:e2})");
    }
}
