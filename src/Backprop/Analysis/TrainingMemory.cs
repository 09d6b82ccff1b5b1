using Backprop.Model;
using Backprop.Training;

namespace Backprop.Analysis;

/// <summary>Bytes one training step holds, by what they are for.</summary>
public sealed record MemoryBreakdown(long Parameters, long Gradients, long OptimizerState, long Batch, long Activations, long Temporaries)
{
    /// <summary>All of it.</summary>
    public long Total => Parameters + Gradients + OptimizerState + Batch + Activations + Temporaries;
}

/// <summary>
/// Predicts the memory of training an MLP from its shape alone, buffer by buffer as this library allocates
/// them (so the prediction can be checked against the library's own accounting, <see cref="Tensors.AllocationLedger"/>):
/// <list type="bullet">
/// <item>parameters W, b and their gradients dW, db: P values each;</item>
/// <item>optimizer state: none for SGD, a velocity (P) with momentum, two moments (2P) for Adam;</item>
/// <item>the batch: X (B × inputs) and T (B × 1 class indices, or B × outputs);</item>
/// <item>activations kept for the backward pass: each dense layer's Z and each activation's A (B × width);</item>
/// <item>temporaries of the backward pass: ∂L/∂Y, each activation's σ'(Z) and Δ, each dense layer's dX
/// except the first (nobody reads ∂L/∂X in training).</item>
/// </list>
/// Everything that depends on B grows linearly with it; parameters, gradients and optimizer state do not.
/// </summary>
public static class TrainingMemory
{
    /// <summary>The bytes one training step of <paramref name="spec"/> holds, computed from the shapes alone.</summary>
    /// <param name="spec">The network.</param>
    /// <param name="inputs">Inputs per example.</param>
    /// <param name="targetColumns">Columns of the target matrix.</param>
    /// <param name="batch">Examples per batch.</param>
    /// <param name="optimizer">The optimizer's name (its state is counted).</param>
    /// <param name="precision">The number format.</param>
    /// <param name="momentum">SGD's momentum (0: no velocity).</param>
    public static MemoryBreakdown Predict(NetworkSpec spec, int inputs, int targetColumns, int batch, string optimizer, Precision precision, double momentum = 0)
    {
        if (batch < 1) throw new BackpropException("batch size", $"batch size must be at least 1, got {batch}");
        long parameters = 0, batchValues = (long)batch * (inputs + targetColumns), activations = 0, temporaries = 0;
        int width = inputs, outputs = inputs;
        bool firstDense = true;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            if (layer.Type == "dense")
            {
                int fanIn = layer.Inputs ?? layer.Weights?.Length ?? width;
                int fanOut = layer.Outputs ?? (layer.Weights is { Length: > 0 } w ? w[0].Length : layer.Bias?.Length ?? 0);
                parameters += (long)fanIn * fanOut + fanOut;
                activations += (long)batch * fanOut;                   // Z
                if (!firstDense) temporaries += (long)batch * fanIn;   // dX
                firstDense = false;
                width = outputs = fanOut;
            }
            else
            {
                activations += (long)batch * width;                    // A = σ(Z)
                temporaries += 2L * batch * width;                     // σ'(Z) and Δ
            }
        }
        temporaries += (long)batch * outputs;                          // ∂L/∂Y
        long stateValues = optimizer switch
        {
            "sgd" => momentum == 0 ? 0 : parameters,
            "momentum" => parameters,
            "adam" => 2 * parameters,
            _ => throw new BackpropException($"unknown optimizer '{optimizer}' (expected sgd, momentum, adam)"),
        };
        int p = precision.ParameterBytes, a = precision.ActivationBytes;
        return new MemoryBreakdown(parameters * p, parameters * p, stateValues * p, batchValues * a, activations * a, temporaries * a);
    }
}
