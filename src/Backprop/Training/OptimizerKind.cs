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
