using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Layers;
using Backprop.Model;

namespace Backprop.Training;

/// <summary>
/// Wraps an optimizer step in loss scaling (the part of PyTorch's GradScaler.step and update): the network
/// computes gradients of scale × loss; this checks them for inf/NaN, skips the step if any (the scaler
/// backs off), else divides them by the scale (the master weights, in T, see true gradients) and lets the
/// inner optimizer update. Then it hands the next scale to the network.
/// </summary>
public sealed class LossScaledOptimizer<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Optimizer<T> _inner;
    private readonly Network<T> _network;

    /// <summary>Wraps <paramref name="inner"/>; sets the network's gradient scale to the scaler's.</summary>
    /// <param name="inner">The optimizer that updates the weights.</param>
    /// <param name="network">The network whose gradients are scaled.</param>
    /// <param name="scaler">Chooses the scale.</param>
    public LossScaledOptimizer(Optimizer<T> inner, Network<T> network, LossScaler scaler) : base(inner.LearningRate)
    {
        _inner = inner;
        _network = network;
        Scaler = scaler;
        network.GradientScale = scaler.Scale;
    }

    /// <summary>The scaler.</summary>
    public LossScaler Scaler { get; }

    /// <inheritdoc/>
    public override void Step(IReadOnlyList<Parameter<T>> parameters)
    {
        if (Scaler.Update(HasInfOrNaN(parameters)))
        {
            T inverse = T.CreateChecked(1 / _network.GradientScale);
            if (_network.GradientScale != 1)
                foreach (var p in parameters) TensorPrimitives.Multiply(p.Gradient.Span, inverse, p.Gradient.Span);
            _inner.LearningRate = LearningRate;
            _inner.Step(parameters);
        }
        _network.GradientScale = Scaler.Scale;
    }

    internal override void WriteState(StateWriter writer)
    {
        writer.Write("loss-scaled");
        writer.Write(LearningRate);
        Scaler.WriteState(writer);
        _inner.WriteState(writer);
    }

    internal override void ReadState(StateReader reader, IReadOnlyList<Parameter<T>> parameters)
    {
        ExpectKind(reader, "loss-scaled");
        double lr = reader.ReadDouble();
        Scaler.ReadState(reader);
        _inner.ReadState(reader, parameters);
        LearningRate = lr;
        _network.GradientScale = Scaler.Scale;
    }

    private static bool HasInfOrNaN(IReadOnlyList<Parameter<T>> parameters)
    {
        foreach (var p in parameters)
            foreach (var g in p.Gradient.Span)
                if (!T.IsFinite(g)) return true;
        return false;
    }
}
