namespace Backprop.Model;

/// <summary>The element-wise non-linearities σ a network can use (the network format's activation types).</summary>
public enum ActivationKind
{
    /// <summary><c>identity</c>: σ(z) = z (a linear network, as in the second article).</summary>
    Identity,

    /// <summary><c>sigmoid</c>: σ(z) = 1 / (1 + e^(−z)).</summary>
    Sigmoid,

    /// <summary><c>tanh</c>: σ(z) = tanh z.</summary>
    Tanh,

    /// <summary><c>relu</c>: σ(z) = max(0, z).</summary>
    Relu,

    /// <summary><c>leaky_relu</c>: σ(z) = z for z &gt; 0, else slope·z (slope 0.01 unless given).</summary>
    LeakyRelu,
}

/// <summary>The network format's name of each <see cref="ActivationKind"/>.</summary>
internal static class ActivationKinds
{
    public static string Name(this ActivationKind kind) => kind switch
    {
        ActivationKind.Identity => "identity",
        ActivationKind.Sigmoid => "sigmoid",
        ActivationKind.Tanh => "tanh",
        ActivationKind.Relu => "relu",
        ActivationKind.LeakyRelu => "leaky_relu",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
