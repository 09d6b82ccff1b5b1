namespace Backprop.Training;

/// <summary>The optimizers that turn gradients into weight updates.</summary>
public enum OptimizerKind
{
    /// <summary><c>sgd</c>: w ← w − η·∂L/∂w (with momentum when one is given).</summary>
    Sgd,

    /// <summary><c>momentum</c>: SGD with momentum 0.9 unless another is given.</summary>
    Momentum,

    /// <summary><c>adam</c>: Adam as PyTorch implements it.</summary>
    Adam,
}

/// <summary>The name of each <see cref="OptimizerKind"/>, as <see cref="Optimizer{T}.Create(string, double, double, double)"/> takes it.</summary>
internal static class OptimizerKinds
{
    public static string Name(this OptimizerKind kind) => kind switch
    {
        OptimizerKind.Sgd => "sgd",
        OptimizerKind.Momentum => "momentum",
        OptimizerKind.Adam => "adam",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
