using System.Numerics;
using Backprop.Data;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Analysis;

/// <summary>A fixed batch the analyses measure on: the first examples of a data set (cycled when it has fewer).</summary>
public static class ProbeBatch
{
    /// <summary>X and T for the first <paramref name="size"/> examples, encoded as the network's loss expects.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="network">The network the batch is for.</param>
    /// <param name="size">Examples in the batch.</param>
    public static (Matrix<T> X, Matrix<T> Targets) From<T>(Dataset data, Network<T> network, int size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (size < 1) throw new BackpropException("batch size", $"batch size must be at least 1, got {size}");
        if (network.Inputs != data.FeatureCount)
            throw new BackpropException($"the network takes {network.Inputs} inputs but {data.Name} has {data.FeatureCount} features");
        var encoding = Batcher.EncodingFor(data, network.Loss.Name, network.Outputs);
        int[] indices = [.. Enumerable.Range(0, size).Select(i => i % data.Count)];
        Matrix<T> x = new(0, 0), t = new(0, 0);
        Batcher.Fill(data, indices, encoding, x, t, network.Outputs);
        return (x, t);
    }
}
