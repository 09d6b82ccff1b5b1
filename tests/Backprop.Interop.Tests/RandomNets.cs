using Backprop.Model;

namespace Backprop.Interop.Tests;

/// <summary>Seeded random MLPs with every activation (leaky_relu with its slope) and non-zero biases.</summary>
internal static class RandomNets
{
    private static readonly string[] Activations = ["identity", "sigmoid", "tanh", "relu", "leaky_relu"];

    public static NetworkSpec Make(int seed)
    {
        var rng = new Random(seed);
        int depth = 1 + seed % 3;
        var sizes = Enumerable.Range(0, depth + 1).Select(_ => 1 + rng.Next(7)).ToArray();
        var layers = new List<LayerSpec>();
        for (int l = 0; l < depth; l++)
        {
            if (l > 0)
            {
                string type = Activations[(seed + l) % Activations.Length];
                layers.Add(new LayerSpec(type) { Slope = type == "leaky_relu" ? 0.05 + 0.3 * rng.NextDouble() : null });
            }
            layers.Add(new LayerSpec("dense")
            {
                Inputs = sizes[l],
                Outputs = sizes[l + 1],
                Weights = [.. Enumerable.Range(0, sizes[l]).Select(_ => Enumerable.Range(0, sizes[l + 1]).Select(_ => 2 * rng.NextDouble() - 1).ToArray())],
                Bias = [.. Enumerable.Range(0, sizes[l + 1]).Select(_ => rng.NextDouble() - 0.5)],
            });
        }
        if (seed % 4 == 3) layers.Add(new LayerSpec(Activations[seed % Activations.Length]) { Slope = seed % 5 == 4 ? 0.2 : null });
        string[] losses = ["half_sse", "sse", "mse", "cross_entropy", "bce_with_logits"];
        return new NetworkSpec(layers, losses[seed % losses.Length]);
    }

    public static double[][] Batch(int rows, int cols, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, cols).Select(_ => 4 * rng.NextDouble() - 2).ToArray())];
    }
}
