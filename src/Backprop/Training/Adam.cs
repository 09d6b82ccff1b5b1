using System.Numerics;
using Backprop.Layers;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// Adam (Kingma &amp; Ba) as PyTorch implements it: m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g²,
/// w −= η · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε). Weight decay is added to g (L2, not AdamW).
/// </summary>
public sealed class Adam<T>(double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
    : Optimizer<T>(learningRate) where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[][]? _m, _v;
    private int _t;

    /// <summary>β₁, the decay of the first moment.</summary>
    public double Beta1 { get; } = beta1;
    /// <summary>β₂, the decay of the second moment.</summary>
    public double Beta2 { get; } = beta2;
    /// <summary>ε, added to √v.</summary>
    public double Epsilon { get; } = epsilon;
    /// <summary>λ, L2 weight decay added to the gradient.</summary>
    public double WeightDecay { get; } = weightDecay;

    internal override void WriteState(StateWriter writer)
    {
        writer.Write("adam");
        writer.Write(LearningRate);
        writer.Write(Beta1);
        writer.Write(Beta2);
        writer.Write(Epsilon);
        writer.Write(WeightDecay);
        writer.Write(_t);
        WriteBuffers(writer, _m);
        WriteBuffers(writer, _v);
    }

    internal override void ReadState(StateReader reader, IReadOnlyList<Parameter<T>> parameters)
    {
        ExpectKind(reader, "adam");
        double lr = reader.ReadDouble();
        Expect(reader, "beta1", reader.ReadDouble(), Beta1);
        Expect(reader, "beta2", reader.ReadDouble(), Beta2);
        Expect(reader, "epsilon", reader.ReadDouble(), Epsilon);
        Expect(reader, "weight decay", reader.ReadDouble(), WeightDecay);
        int t = reader.ReadInt32();
        if (t < 0) throw reader.Corrupt($"Adam step count {t}");
        var m = ReadBuffers(reader, parameters, "first moment");
        var v = ReadBuffers(reader, parameters, "second moment");
        if ((m is null) != (v is null) || (m is null) != (t == 0)) throw reader.Corrupt("Adam's moments and step count disagree");
        (_m, _v, _t, LearningRate) = (m, v, t, lr);
    }

    /// <inheritdoc/>
    public override void Step(IReadOnlyList<Parameter<T>> parameters)
    {
        // Moments as matrix buffers, so the library's memory accounting sees the optimizer state.
        _m ??= [.. parameters.Select(p => new Matrix<T>(p.Value.Rows, p.Value.Cols).Data)];
        _v ??= [.. parameters.Select(p => new Matrix<T>(p.Value.Rows, p.Value.Cols).Data)];
        _t++;
        T b1 = T.CreateChecked(Beta1), b2 = T.CreateChecked(Beta2), eps = T.CreateChecked(Epsilon), decay = T.CreateChecked(WeightDecay);
        T stepSize = T.CreateChecked(LearningRate / (1 - Math.Pow(Beta1, _t)));
        T correction2 = T.CreateChecked(Math.Sqrt(1 - Math.Pow(Beta2, _t)));
        for (int i = 0; i < parameters.Count; i++)
        {
            var w = parameters[i].Value.Span;
            var g = parameters[i].Gradient.Span;
            var m = _m[i].AsSpan();
            var v = _v[i].AsSpan();
            for (int k = 0; k < w.Length; k++)
            {
                T grad = g[k] + decay * w[k];
                m[k] = b1 * m[k] + (T.One - b1) * grad;
                v[k] = b2 * v[k] + (T.One - b2) * grad * grad;
                w[k] -= stepSize * m[k] / (T.Sqrt(v[k]) / correction2 + eps);
            }
        }
    }
}
