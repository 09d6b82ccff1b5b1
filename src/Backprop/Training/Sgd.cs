using System.Numerics;
using Backprop.Layers;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// Stochastic gradient descent as PyTorch defines it: g = ∇ + λ·w; with momentum μ,
/// v = μ·v + g (v = g on the first step) and g = v; then w = w − η·g.
/// </summary>
public sealed class Sgd<T>(double learningRate, double momentum = 0, double weightDecay = 0) : Optimizer<T>(learningRate)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[][]? _velocity;

    /// <summary>μ (0: none).</summary>
    public double Momentum { get; } = momentum;
    /// <summary>λ.</summary>
    public double WeightDecay { get; } = weightDecay;

    internal override void WriteState(StateWriter writer)
    {
        writer.Write("sgd");
        writer.Write(LearningRate);
        writer.Write(Momentum);
        writer.Write(WeightDecay);
        WriteBuffers(writer, _velocity);
    }

    internal override void ReadState(StateReader reader, IReadOnlyList<Parameter<T>> parameters)
    {
        ExpectKind(reader, "sgd");
        double lr = reader.ReadDouble();
        Expect(reader, "momentum", reader.ReadDouble(), Momentum);
        Expect(reader, "weight decay", reader.ReadDouble(), WeightDecay);
        _velocity = ReadBuffers(reader, parameters, "velocity", empty: Momentum == 0);
        LearningRate = lr;
    }

    /// <summary>−η when a step can be taken inside the backward pass (plain SGD: no momentum, no weight decay), else null.</summary>
    internal T? DescentInBackward => Momentum == 0 && WeightDecay == 0 ? -T.CreateChecked(LearningRate) : null;

    /// <summary>Records a step that the backward pass took, so the state (and a checkpoint of it) is what <see cref="Step"/> leaves.</summary>
    internal void StepTakenInBackward(IReadOnlyList<Parameter<T>> parameters) => Velocity(parameters);

    // Velocity as matrix buffers, so the library's memory accounting sees the optimizer state.
    private T[][] Velocity(IReadOnlyList<Parameter<T>> parameters) =>
        _velocity ??= [.. parameters.Select(p => Momentum == 0 ? [] : new Matrix<T>(p.Value.Rows, p.Value.Cols).Data)];

    /// <inheritdoc/>
    public override void Step(IReadOnlyList<Parameter<T>> parameters)
    {
        T lr = T.CreateChecked(LearningRate), mu = T.CreateChecked(Momentum), decay = T.CreateChecked(WeightDecay);
        bool first = _velocity is null;
        var velocity = Velocity(parameters);
        for (int i = 0; i < parameters.Count; i++)
        {
            // The gradient is only read: it stays ∂L/∂W for traces and for the loss scaler (as p.grad in PyTorch).
            T[] w = parameters[i].Value.Data, g = parameters[i].Gradient.Data;
            int n = parameters[i].Value.Length;
            if (Momentum != 0)
            {
                var v = velocity[i];
                if (first) Array.Copy(g, v, n);                                        // v = g
                else ParallelMultiplyAdd<T>.Run(v, mu, g, v, n);                       // v = μ·v + g
                if (WeightDecay != 0) ParallelMultiplyAdd<T>.Run(w, decay, v, v, n);   //   + λ·w
                g = v;
            }
            else if (WeightDecay != 0) ParallelMultiplyAdd<T>.Run(w, -lr * decay, w, w, n); // w −= η·λ·w
            ParallelMultiplyAdd<T>.Run(g, -lr, w, w, n);                               // w −= η·g
        }
    }
}
