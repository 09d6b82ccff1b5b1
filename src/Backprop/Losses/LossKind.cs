namespace Backprop.Losses;

/// <summary>The losses a network can be trained against (the network format's loss names; see docs/network-format.md).</summary>
public enum LossKind
{
    /// <summary><c>sse</c>: Σ(Y − T)² over the batch.</summary>
    Sse,

    /// <summary><c>half_sse</c>: ½Σ(Y − T)², the articles' E.</summary>
    HalfSse,

    /// <summary><c>mse</c>: Σ(Y − T)² / (B·K), the mean over every output of every example.</summary>
    Mse,

    /// <summary><c>cross_entropy</c>: the mean over rows of −log softmax(Y)[class]; for classification with one output per class.</summary>
    CrossEntropy,

    /// <summary><c>bce_with_logits</c>: the mean binary cross-entropy of sigmoid(Y); for two classes on one output, or several labels.</summary>
    BceWithLogits,
}

/// <summary>The network format's name of each <see cref="LossKind"/>.</summary>
internal static class LossKinds
{
    public static string Name(this LossKind kind) => kind switch
    {
        LossKind.Sse => "sse",
        LossKind.HalfSse => "half_sse",
        LossKind.Mse => "mse",
        LossKind.CrossEntropy => "cross_entropy",
        LossKind.BceWithLogits => "bce_with_logits",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
