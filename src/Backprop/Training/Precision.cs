using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// The number format a network trains in: f32 or f64 throughout, or mixed precision (fp16, bf16) where
/// activations and gradients are stored in 16 bits while the arithmetic, the master weights, their
/// gradients and the optimizer state stay float32.
/// </summary>
public sealed record Precision(string Name, bool IsDouble, StorageFormat Storage)
{
    /// <summary>f32, f64, fp16 or bf16 (and their long names).</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="BackpropException">An unknown name.</exception>
    public static Precision Parse(string name) => name switch
    {
        "f64" or "float64" or "double" => new("f64", true, StorageFormat.Float32),
        "f32" or "float32" or "float" => new("f32", false, StorageFormat.Float32),
        "fp16" or "float16" or "half" => new("fp16", false, StorageFormat.Float16),
        "bf16" or "bfloat16" => new("bf16", false, StorageFormat.BFloat16),
        _ => throw new BackpropException("precision", $"unknown precision '{name}' (expected f32, f64, fp16 or bf16)"),
    };

    /// <summary>True for fp16 and bf16.</summary>
    public bool IsMixed => Storage != StorageFormat.Float32;

    /// <summary>Bytes per parameter, gradient and optimizer-state value.</summary>
    public int ParameterBytes => IsDouble ? 8 : 4;

    /// <summary>Bytes per value of the batch, activations and backward temporaries.</summary>
    public int ActivationBytes => IsDouble ? 8 : StorageFormats.Bytes(Storage);
}
