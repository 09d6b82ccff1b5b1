using Backprop.Data;
using Backprop.Explain;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Playground.Walk;

/// <summary>
/// What one tab works on: a network with every weight written out (so that any one can be edited), the
/// batch the Walk view traces, and the data the Train view trains on (a data set, or the batch itself).
/// </summary>
internal sealed record Problem(string Name, NetworkSpec Spec, double[][] X, double[][] T, Dataset? Train, Dataset? Test)
{
    /// <summary>One forward and backward pass of the batch in float64: the numbers every view shows.</summary>
    public Trace Record()
    {
        var network = Spec.Build<double>();
        if (X.Length == 0 || X[0].Length != network.Inputs)
            throw new BackpropException($"the batch has {(X.Length == 0 ? 0 : X[0].Length)} input columns but the network takes {network.Inputs} inputs");
        return Trace.Record(network, Matrix<double>.FromRows(X), Matrix<double>.FromRows(T));
    }

    /// <summary>A copy whose weights, biases, inputs and targets can be edited without touching this one.</summary>
    public Problem DeepCopy() => this with
    {
        Spec = Spec with { Layers = [.. Spec.Layers.Select(l => l with { Weights = l.Weights?.Select(r => (double[])r.Clone()).ToArray(), Bias = (double[]?)l.Bias?.Clone() })] },
        X = [.. X.Select(r => (double[])r.Clone())],
        T = [.. T.Select(r => (double[])r.Clone())],
    };

    /// <summary>Weights and biases of a network file, counted before anything is allocated.</summary>
    public static long ParameterCount(NetworkSpec spec)
    {
        long count = 0;
        foreach (var l in spec.Layers.Where(l => l.Type == "dense"))
        {
            long inputs = l.Inputs ?? l.Weights?.Length ?? 0;
            long outputs = l.Outputs ?? (l.Weights is { Length: > 0 } w ? w[0].Length : l.Bias?.Length ?? 0);
            if (inputs > int.MaxValue || outputs > int.MaxValue) return long.MaxValue;
            count = count > long.MaxValue - (inputs * outputs + outputs) ? long.MaxValue : count + inputs * outputs + outputs;
        }
        return count;
    }

    /// <summary>Refuses a network or batch too large to trace for the page.</summary>
    public static void CheckWalkSize(NetworkSpec spec, int rows)
    {
        long parameters = ParameterCount(spec);
        if (parameters > Limits.MaxWalkParameters)
            throw new BackpropException($"the network has {parameters:N0} weights and biases; the playground works on at most {Limits.MaxWalkParameters:N0}");
        if (rows > Limits.MaxWalkRows)
            throw new BackpropException($"the batch has {rows:N0} rows; the Walk view traces at most {Limits.MaxWalkRows}");
        if (rows == 0) throw new BackpropException("the batch is empty");
    }

    /// <summary>The same network with every weight and bias written out, as a file of it would hold them.</summary>
    public static NetworkSpec Materialize(NetworkSpec spec) => NetworkSpec.From(spec.Build<double>(), spec.Seed);
}
