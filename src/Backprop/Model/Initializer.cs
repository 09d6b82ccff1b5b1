using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Model;

/// <summary>
/// Initial weights for a dense layer of fan_in inputs and fan_out outputs. The schemes keep the variance
/// of activations (forward) and gradients (backward) from shrinking or growing layer after layer:
/// Xavier/Glorot: Var(W) = 2/(fan_in + fan_out), for tanh and sigmoid;
/// He/Kaiming: Var(W) = 2/fan_in, for ReLU, which zeroes half its inputs.
/// Naive draws from U(−0.1, 0.1) whatever the width, which is what makes deep nets vanish.
/// Values are drawn in double and then rounded, so float and double nets from one seed agree.
/// Initialization belongs to the model: the scheme is part of a network's description (a dense layer's
/// "init" in the network format) and <see cref="NetworkSpec.Build{T}"/> applies it; training starts from a built network.
/// </summary>
public static class Initializer
{
    /// <summary>The scheme names (also accepted: glorot for xavier, kaiming for he).</summary>
    public static readonly string[] Names = ["naive", "xavier", "xavier_uniform", "xavier_normal", "he", "he_normal", "he_uniform"];

    /// <summary>The variance of W the scheme aims for.</summary>
    /// <param name="scheme">One of <see cref="Names"/>.</param>
    /// <param name="fanIn">Inputs of the layer.</param>
    /// <param name="fanOut">Outputs of the layer.</param>
    public static double Variance(string scheme, int fanIn, int fanOut) => Canonical(scheme) switch
    {
        "naive" => 0.1 * 0.1 / 3,
        "xavier_uniform" or "xavier_normal" => 2.0 / (fanIn + fanOut),
        _ => 2.0 / fanIn,
    };

    /// <summary>Draws every weight of <paramref name="weights"/> from the scheme.</summary>
    /// <param name="weights">W, fan_in × fan_out.</param>
    /// <param name="scheme">One of <see cref="Names"/>.</param>
    /// <param name="rng">The generator to draw from.</param>
    public static void Fill<T>(Matrix<T> weights, string scheme, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string name = Canonical(scheme);
        double variance = Variance(name, weights.Rows, weights.Cols);
        bool uniform = name is "naive" or "xavier_uniform" or "he_uniform";
        double limit = Math.Sqrt(3 * variance); // U(−a, a) has variance a²/3
        double std = Math.Sqrt(variance);
        var w = weights.Span;
        for (int i = 0; i < w.Length; i++)
            w[i] = T.CreateChecked(uniform ? (2 * rng.NextDouble() - 1) * limit : std * Gaussian.StandardNormal(rng));
    }

    private static string Canonical(string scheme) => scheme switch
    {
        "naive" => "naive",
        "xavier" or "xavier_uniform" or "glorot" => "xavier_uniform",
        "xavier_normal" => "xavier_normal",
        "he" or "he_normal" or "kaiming" => "he_normal",
        "he_uniform" => "he_uniform",
        _ => throw new BackpropException($"unknown init '{scheme}' (expected one of: {string.Join(", ", Names)})"),
    };
}
