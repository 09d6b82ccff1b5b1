using Backprop.Tensors;

namespace Backprop.Explain;

/// <summary>
/// One layer in the first article's sense: a dense layer k and the activation that follows it (if any),
/// with every matrix the forward and backward passes produced for the batch. k counts from 1 like W¹.
/// </summary>
public sealed record Stage(int K, string? Activation)
{
    /// <summary>H^(k−1): the layer's input (X for k = 1).</summary>
    public required Matrix<double> Input { get; init; }
    /// <summary>W^k, inputs × units.</summary>
    public required Matrix<double> W { get; init; }
    /// <summary>The bias row B^k (1 × units); the article repeats it for every batch row.</summary>
    public required Matrix<double> B { get; init; }
    /// <summary>L^k = H^(k−1)·W^k + B^k, the linear combination.</summary>
    public required Matrix<double> L { get; init; }
    /// <summary>H^k = σ(L^k), or L^k itself when no activation follows.</summary>
    public required Matrix<double> H { get; init; }
    /// <summary>The slope of a leaky ReLU (σ(z) = slope·z for z ≤ 0); null for other activations.</summary>
    public double? Slope { get; init; }
    /// <summary>σ′(L^k), or null without activation.</summary>
    public Matrix<double>? SigmaPrime { get; init; }
    /// <summary>∂E/∂H^k, the gradient arriving from above.</summary>
    public required Matrix<double> DH { get; init; }
    /// <summary>Δ^k = ∂E/∂L^k.</summary>
    public required Matrix<double> Delta { get; init; }
    /// <summary>∂E/∂W^k = (H^(k−1))ᵀ·Δ^k.</summary>
    public required Matrix<double> DW { get; init; }
    /// <summary>∂E/∂B^k: the column sums of Δ^k.</summary>
    public required Matrix<double> DB { get; init; }
    /// <summary>∂E/∂H^(k−1) = Δ^k·(W^k)ᵀ (∂E/∂X for k = 1).</summary>
    public required Matrix<double> DInput { get; init; }

    /// <summary>Inputs of the dense layer.</summary>
    public int Inputs => W.Rows;
    /// <summary>Units (outputs) of the dense layer.</summary>
    public int Units => W.Cols;

    /// <summary>The key of this stage's input in <see cref="Trace.Get"/>: X, or H of the stage below.</summary>
    public string InputKey => K == 1 ? "X" : $"H{K - 1}";
    /// <summary>The symbol of this stage's input: X, or H with the layer below as superscript.</summary>
    public string InputSymbol => K == 1 ? "X" : "H" + Notation.Sup(K - 1);
}
