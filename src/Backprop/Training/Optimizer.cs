using System.Numerics;
using Backprop.Layers;

namespace Backprop.Training;

/// <summary>Turns gradients into weight updates. State (momentum, moments) is kept per parameter.</summary>
public abstract class Optimizer<T>(double learningRate) where T : unmanaged, IFloatingPointIeee754<T>
{
    public double LearningRate { get; set; } = learningRate;

    /// <summary>Updates every parameter from its current gradient.</summary>
    public abstract void Step(IReadOnlyList<Parameter<T>> parameters);

    public static readonly string[] Names = ["sgd", "momentum", "adam"];

    /// <summary>sgd (plain, or with --momentum), momentum (SGD with 0.9), adam.</summary>
    public static Optimizer<T> Create(string name, double learningRate, double momentum = 0, double weightDecay = 0) => name switch
    {
        "sgd" => new Sgd<T>(learningRate, momentum, weightDecay),
        "momentum" => new Sgd<T>(learningRate, momentum == 0 ? 0.9 : momentum, weightDecay),
        "adam" => new Adam<T>(learningRate, weightDecay: weightDecay),
        _ => throw new BackpropException($"unknown optimizer '{name}' (expected one of: {string.Join(", ", Names)})"),
    };
}
