namespace Backprop.Training;

/// <summary>How the initial weights of a dense layer are drawn (see <see cref="Initializer"/>).</summary>
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
