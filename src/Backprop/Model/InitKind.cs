namespace Backprop.Model;

/// <summary>How the initial weights of a dense layer are drawn (the network format's <c>init</c>).</summary>
public enum InitKind
{
    /// <summary><c>naive</c>: U(−0.1, 0.1) whatever the width.</summary>
    Naive,

    /// <summary><c>xavier_uniform</c> (also <c>xavier</c>): uniform with Var(W) = 2/(fan_in + fan_out); for sigmoid and tanh.</summary>
    XavierUniform,

    /// <summary><c>xavier_normal</c>: normal with Var(W) = 2/(fan_in + fan_out).</summary>
    XavierNormal,

    /// <summary><c>he_normal</c> (also <c>he</c>): normal with Var(W) = 2/fan_in; for ReLU.</summary>
    HeNormal,

    /// <summary><c>he_uniform</c>: uniform with Var(W) = 2/fan_in.</summary>
    HeUniform,
}

/// <summary>The network format's name of each <see cref="InitKind"/>.</summary>
internal static class InitKinds
{
    public static string Name(this InitKind kind) => kind switch
    {
        InitKind.Naive => "naive",
        InitKind.XavierUniform => "xavier_uniform",
        InitKind.XavierNormal => "xavier_normal",
        InitKind.HeNormal => "he_normal",
        InitKind.HeUniform => "he_uniform",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
