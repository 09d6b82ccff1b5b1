using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;

namespace Backprop.Model;

/// <summary>
/// A feed-forward network: a sequence of layers and a loss. Forward runs the layers in order;
/// Backward starts from ∂L/∂Y and runs them in reverse, each turning the gradient of its output into
/// the gradient of its input ("rinse and repeat", the fifth step of the first article).
/// </summary>
public sealed class Network<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Matrix<T>? _lossGradient;

    public Network(IReadOnlyList<Layer<T>> layers, Loss<T> loss)
    {
        if (layers.Count == 0) throw new BackpropException("a network needs at least one layer");
        // Activations keep the width, so the first dense layer fixes the inputs (an activation may come before it).
        var first = layers.OfType<Dense<T>>().FirstOrDefault()
            ?? throw new BackpropException("a network needs at least one dense layer");
        Layers = layers;
        Loss = loss;
        Inputs = first.Inputs;
        int width = first.Inputs, k = 0; // k numbers the dense layers from 1, as W¹, W² do
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is not Dense<T> dense) continue;
            k++;
            if (dense.Inputs != width)
                throw new BackpropException($"dense layer {k} (layers[{i}]) takes {dense.Inputs} inputs but dense layer {k - 1} gives {width} outputs");
            width = dense.Outputs;
        }
        Outputs = width;
    }

    public IReadOnlyList<Layer<T>> Layers { get; }
    public Loss<T> Loss { get; }
    public int Inputs { get; }
    public int Outputs { get; }

    public IEnumerable<Parameter<T>> Parameters => Layers.SelectMany(l => l.Parameters);
    public IEnumerable<Dense<T>> DenseLayers => Layers.OfType<Dense<T>>();
    public long ParameterCount => Parameters.Sum(p => (long)p.Value.Length);

    /// <summary>
    /// Mixed precision: the format every layer output and every backward gradient is rounded to as soon as
    /// it is computed (the arithmetic stays in T). Float32 (the default) rounds nothing.
    /// </summary>
    public StorageFormat Storage { get; set; } = StorageFormat.Float32;

    /// <summary>Loss scaling: ∂L/∂Y is multiplied by this before the backward pass, so every gradient comes out scaled by it.</summary>
    public double GradientScale { get; set; } = 1;

    /// <summary>The outputs Y of the last Forward.</summary>
    public Matrix<T>? Output => Layers[^1].Output;

    /// <summary>∂L/∂Y from the last <see cref="ComputeGradients"/>.</summary>
    public Matrix<T>? LossGradient => _lossGradient;

    /// <summary>
    /// When true (the default), a dense layer and the activation after it run as one fused step (see
    /// docs/performance.md). Every layer's Input, Output, gradients and σ' hold the same numbers either way.
    /// </summary>
    public bool Fuse { get; set; } = true;

    public Matrix<T> Forward(Matrix<T> x)
    {
        if (x.Cols != Inputs) throw new BackpropException($"the network takes {Inputs} inputs per row but the data has {x.Cols} columns");
        bool fuse = Fuse && Storage == StorageFormat.Float32; // 16-bit storage rounds Z before σ, so keep the steps apart
        for (int i = 0; i < Layers.Count; i++)
        {
            if (fuse && Layers[i] is Dense<T> dense && i + 1 < Layers.Count && Layers[i + 1] is Activation<T> activation)
            {
                x = activation.ForwardFused(dense, x);
                i++;
            }
            else x = Layers[i].Forward(x);
            StorageFormats.Round(Storage, x.Span);
        }
        return x;
    }

    /// <summary>Runs the layers in reverse from ∂L/∂Y; returns ∂L/∂X when asked for.</summary>
    public Matrix<T>? Backward(Matrix<T> lossGradient, bool needInputGradient = false)
    {
        Matrix<T>? gradient = lossGradient;
        for (int i = Layers.Count - 1; i >= 0; i--)
        {
            if (Fuse && Storage == StorageFormat.Float32 && i > 0 && Layers[i] is Activation<T> activation && Layers[i - 1] is Dense<T> dense)
            {
                i--;
                gradient = activation.BackwardFused(dense, gradient!, needInputGradient || i > 0);
                continue;
            }
            gradient = Layers[i].Backward(gradient!, needInputGradient || i > 0);
            if (Storage == StorageFormat.Float32) continue;
            if (gradient is not null) StorageFormats.Round(Storage, gradient.Span);
            foreach (var p in Layers[i].Parameters) StorageFormats.Round(Storage, p.Gradient.Span);
        }
        return gradient;
    }

    /// <summary>Forward, loss and backward for one batch. Afterwards every parameter holds ∂L/∂parameter.</summary>
    public double ComputeGradients(Matrix<T> x, Matrix<T> targets, bool needInputGradient = false)
    {
        var y = Forward(x);
        double loss = Loss.Compute(y, targets, Matrix<T>.Reuse(ref _lossGradient, y.Rows, y.Cols));
        if (GradientScale != 1) TensorPrimitives.Multiply(_lossGradient!.Span, T.CreateChecked(GradientScale), _lossGradient.Span);
        StorageFormats.Round(Storage, _lossGradient!.Span);
        Backward(_lossGradient!, needInputGradient);
        return loss;
    }

    /// <summary>The loss of a batch without touching gradients.</summary>
    public double Evaluate(Matrix<T> x, Matrix<T> targets)
    {
        var y = Forward(x);
        return Loss.Compute(y, targets, Matrix<T>.Reuse(ref _lossGradient, y.Rows, y.Cols));
    }

    public override string ToString() =>
        $"{string.Join(" → ", Layers.Select(l => l is Dense<T> d ? $"dense {d.Inputs}×{d.Outputs}" : l.Type))} ⇒ {Loss.Name}";
}
