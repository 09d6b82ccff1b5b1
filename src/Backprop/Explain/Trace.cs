using System.Globalization;
using System.Numerics;
using Backprop.Layers;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Explain;

/// <summary>
/// A record of one forward and backward pass, read from the very layers that computed it (their Input,
/// Output, OutputGradient, InputGradient, parameters and σ′), copied to float64 so that every text, table
/// and diagram reads the same numbers. Nothing here computes a gradient.
/// </summary>
public sealed class Trace
{
    private readonly Dictionary<string, Matrix<double>> _byKey;

    private Trace(double epsilon, Matrix<double> x, Matrix<double> targets, double loss, string lossName, Matrix<double> lossGradient, IReadOnlyList<Stage> stages)
    {
        Epsilon = epsilon;
        X = x;
        Targets = targets;
        Loss = loss;
        LossName = lossName;
        LossGradient = lossGradient;
        Stages = stages;
        _byKey = new Dictionary<string, Matrix<double>>
        {
            ["X"] = x,
            ["T"] = targets,
            ["Y"] = Y,
            ["dY"] = lossGradient,
            ["dX"] = stages[0].DInput,
            ["E"] = new Matrix<double>(1, 1, [loss]),
        };
        foreach (var s in stages)
        {
            string k = s.K.ToString(CultureInfo.InvariantCulture);
            _byKey["W" + k] = s.W;
            _byKey["B" + k] = s.B;
            _byKey["L" + k] = s.L;
            _byKey["H" + k] = s.H;
            _byKey["D" + k] = s.Delta;
            _byKey["dW" + k] = s.DW;
            _byKey["dB" + k] = s.DB;
            _byKey["dH" + k] = s.DH;
            if (s.SigmaPrime is { } sp) _byKey["S" + k] = sp;
        }
    }

    /// <summary>Machine epsilon of the precision the network ran in: identity checks allow rounding of this size.</summary>
    public double Epsilon { get; }
    /// <summary>The batch X, one example per row.</summary>
    public Matrix<double> X { get; }
    /// <summary>The targets T.</summary>
    public Matrix<double> Targets { get; }
    /// <summary>The loss E of the batch.</summary>
    public double Loss { get; }
    /// <summary>The network format's loss name: sse, half_sse, mse, cross_entropy, bce_with_logits.</summary>
    public string LossName { get; }
    /// <summary>∂E/∂Y; for half_sse this is the second article's δ = y − t.</summary>
    public Matrix<double> LossGradient { get; }
    /// <summary>One stage per dense layer, from the first (k = 1).</summary>
    public IReadOnlyList<Stage> Stages { get; }
    /// <summary>The outputs Y.</summary>
    public Matrix<double> Y => Stages[^1].H;

    /// <summary>The reference of output m's target for example b; null when targets are class indices, not shaped like the outputs.</summary>
    public string? TargetRef(int b, int m) => Targets.Cols == Y.Cols ? $"T:{b}:{m}" : null;
    /// <summary>The number of examples in the batch.</summary>
    public int Batch => X.Rows;

    /// <summary>
    /// A matrix by key: X, T, Y, dY, dX, E, and per layer k: Wk, Bk, Lk, Hk, Dk (Δ), dWk, dBk, dHk, Sk (σ′).
    /// H0 is X. These keys are what diagrams and tables write into their data-ref attributes.
    /// </summary>
    public Matrix<double> Get(string key) =>
        key == "H0" ? X : _byKey.TryGetValue(key, out var m) ? m : throw new BackpropException($"the trace has no matrix '{key}'");

    /// <summary>
    /// The value a reference names: "W1:0:2" is W¹ at row 0, column 2 (0-based); "|W1|" is a Frobenius norm;
    /// factors joined by '*' multiply. Tests use this to check every drawn or printed number.
    /// </summary>
    public double Resolve(string reference)
    {
        double product = 1;
        foreach (string factor in reference.Split('*'))
        {
            if (factor.StartsWith('|') && factor.EndsWith('|')) { product *= Norm(Get(factor[1..^1])); continue; }
            string[] parts = factor.Split(':');
            if (parts.Length != 3) throw new BackpropException($"bad trace reference '{factor}' (expected KEY:row:col)");
            var m = Get(parts[0]);
            product *= m[int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture)];
        }
        return product;
    }

    /// <summary>The Frobenius norm: the square root of the sum of squares.</summary>
    /// <param name="m">The matrix.</param>
    public static double Norm(Matrix<double> m)
    {
        double sum = 0;
        foreach (double v in m.Span) sum += v * v;
        return Math.Sqrt(sum);
    }

    /// <summary>Runs one batch through <paramref name="network"/> (forward, loss, backward) and records what its layers hold.</summary>
    public static Trace Record<T>(Network<T> network, Matrix<T> x, Matrix<T> targets) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Cols != network.Inputs) throw new BackpropException($"the inputs have {x.Cols} columns but the network takes {network.Inputs}");
        if (x.Rows != targets.Rows) throw new BackpropException($"{targets.Rows} target rows for {x.Rows} input rows: one target row per input row");
        double loss = network.ComputeGradients(x, targets, needInputGradient: true);
        if (!double.IsFinite(loss)) throw new BackpropException($"the loss is {loss}: the network overflows on this input");
        var stages = new List<Stage>();
        var layers = network.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is not Dense<T> dense)
                throw new BackpropException($"layers[{i}] ({layers[i].Type}) does not follow a dense layer: explain draws dense layers each followed by at most one activation");
            var activation = i + 1 < layers.Count ? layers[i + 1] as Activation<T> : null;
            var l = Copy(dense.Output);
            stages.Add(new Stage(stages.Count + 1, activation?.Type)
            {
                Input = Copy(dense.Input),
                W = Copy(dense.Weights.Value),
                B = Copy(dense.Bias.Value),
                L = l,
                H = activation is null ? l : Copy(activation.Output),
                SigmaPrime = activation is null ? null : Copy(activation.Derivative),
                Slope = (activation as LeakyRelu<T>)?.Slope,
                DH = Copy(activation is null ? dense.OutputGradient : activation.OutputGradient),
                Delta = Copy(dense.OutputGradient),
                DW = Copy(dense.Weights.Gradient),
                DB = Copy(dense.Bias.Gradient),
                DInput = Copy(dense.InputGradient),
            });
            if (activation is not null) i++;
        }
        double epsilon = typeof(T) == typeof(float) ? float.BitIncrement(1f) - 1f : double.BitIncrement(1.0) - 1.0;
        return new Trace(epsilon, Copy(x), Copy(targets), loss, network.Loss.Name, Copy(network.LossGradient), stages);
    }

    private static Matrix<double> Copy<T>(Matrix<T>? m) where T : unmanaged, IFloatingPointIeee754<T> =>
        m?.Convert<double>() ?? throw new InvalidOperationException("a layer was not run forward and backward");
}
