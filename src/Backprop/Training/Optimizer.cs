using System.Numerics;
using Backprop.Layers;

namespace Backprop.Training;

/// <summary>Turns gradients into weight updates. State (momentum, moments) is kept per parameter.</summary>
/// <param name="learningRate">η, the step size.</param>
public abstract class Optimizer<T>(double learningRate) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>η, the step size.</summary>
    public double LearningRate { get; set; } = learningRate;

    /// <summary>Updates every parameter from its current gradient.</summary>
    /// <param name="parameters">The parameters, in the same order at every step (the state is kept by position).</param>
    public abstract void Step(IReadOnlyList<Parameter<T>> parameters);

    /// <summary>The optimizer names: sgd, momentum, adam.</summary>
    public static readonly string[] Names = ["sgd", "momentum", "adam"];

    /// <summary>An optimizer of that kind.</summary>
    /// <param name="kind">Which optimizer.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ for SGD (0: none); <see cref="OptimizerKind.Momentum"/> takes 0.9 when this is 0.</param>
    /// <param name="weightDecay">λ, the L2 weight decay added to the gradient.</param>
    public static Optimizer<T> Create(OptimizerKind kind, double learningRate, double momentum = 0, double weightDecay = 0) =>
        Create(kind.Name(), learningRate, momentum, weightDecay);

    /// <summary>sgd (plain, or with a momentum), momentum (SGD with 0.9), adam.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ for SGD (0: none); momentum takes 0.9 when this is 0.</param>
    /// <param name="weightDecay">λ, the L2 weight decay added to the gradient.</param>
    /// <exception cref="BackpropException">An unknown name.</exception>
    public static Optimizer<T> Create(string name, double learningRate, double momentum = 0, double weightDecay = 0) => name switch
    {
        "sgd" => new Sgd<T>(learningRate, momentum, weightDecay),
        "momentum" => new Sgd<T>(learningRate, momentum == 0 ? 0.9 : momentum, weightDecay),
        "adam" => new Adam<T>(learningRate, weightDecay: weightDecay),
        _ => throw new BackpropException($"unknown optimizer '{name}' (expected one of: {string.Join(", ", Names)})"),
    };
}
