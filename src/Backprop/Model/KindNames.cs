using Backprop.Losses;
using Backprop.Training;

namespace Backprop.Model;

/// <summary>The network format's name of each typed choice: the enums are another way to write the same strings.</summary>
internal static class KindNames
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

    public static string Name(this LossKind kind) => kind switch
    {
        LossKind.Sse => "sse",
        LossKind.HalfSse => "half_sse",
        LossKind.Mse => "mse",
        LossKind.CrossEntropy => "cross_entropy",
        LossKind.BceWithLogits => "bce_with_logits",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string Name(this InitKind kind) => kind switch
    {
        InitKind.Naive => "naive",
        InitKind.XavierUniform => "xavier_uniform",
        InitKind.XavierNormal => "xavier_normal",
        InitKind.HeNormal => "he_normal",
        InitKind.HeUniform => "he_uniform",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string Name(this OptimizerKind kind) => kind switch
    {
        OptimizerKind.Sgd => "sgd",
        OptimizerKind.Momentum => "momentum",
        OptimizerKind.Adam => "adam",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
