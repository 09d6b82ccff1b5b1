using System.Numerics;
using Backprop.Tensors;

namespace Backprop.Data;

/// <summary>How labels become the target matrix T a loss expects.</summary>
public enum TargetEncoding
{
    /// <summary>B×1 class indices (cross-entropy).</summary>
    ClassIndex,
    /// <summary>B×K rows with a 1 at the class (squared error on K outputs).</summary>
    OneHot,
    /// <summary>B×1 zeros and ones (one output for two classes).</summary>
    Binary,
    /// <summary>The data's own target rows (regression).</summary>
    Values,
}

/// <summary>Copies examples into the batch matrices X and T, in the network's precision.</summary>
public static class Batcher
{
    /// <summary>How the data's labels or targets become T for this loss and number of outputs.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="loss">The loss's name.</param>
    /// <param name="outputs">The network's outputs.</param>
    /// <exception cref="BackpropException">The data do not fit the outputs.</exception>
    public static TargetEncoding EncodingFor(Dataset data, string loss, int outputs)
    {
        if (!data.IsClassification)
        {
            if (outputs != data.TargetWidth)
                throw new BackpropException($"{data.Name} has {data.TargetWidth} target columns but the network has {outputs} outputs");
            return TargetEncoding.Values;
        }
        if (outputs == 1)
        {
            if (loss == "cross_entropy")
                throw new BackpropException("cross_entropy over 1 output is always 0 (a softmax of one logit is 1): give the network one output per class, or use bce_with_logits");
            if (data.Classes > 2) throw new BackpropException($"{data.Name} has {data.Classes} classes but the network has 1 output");
            return TargetEncoding.Binary;
        }
        if (outputs != data.Classes)
            throw new BackpropException($"{data.Name} has {data.Classes} classes but the network has {outputs} outputs");
        return loss == "cross_entropy" ? TargetEncoding.ClassIndex : TargetEncoding.OneHot;
    }

    /// <summary>Fills X and T with the examples at <paramref name="indices"/>, reshaping both.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="indices">The examples, in batch order.</param>
    /// <param name="encoding">How targets are written.</param>
    /// <param name="x">Receives the features.</param>
    /// <param name="t">Receives the targets.</param>
    /// <param name="outputs">The network's outputs.</param>
    public static void Fill<T>(Dataset data, ReadOnlySpan<int> indices, TargetEncoding encoding, Matrix<T> x, Matrix<T> t, int outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        x.Reshape(indices.Length, data.FeatureCount);
        t.Reshape(indices.Length, encoding is TargetEncoding.OneHot or TargetEncoding.Values ? outputs : 1);
        if (encoding == TargetEncoding.OneHot) t.Clear();
        for (int r = 0; r < indices.Length; r++)
        {
            int i = indices[r];
            switch (encoding)
            {
                case TargetEncoding.ClassIndex or TargetEncoding.Binary:
                    t[r, 0] = T.CreateTruncating(data.Labels![i]);
                    break;
                case TargetEncoding.OneHot:
                    t[r, data.Labels![i]] = T.One;
                    break;
                default:
                    for (int j = 0; j < outputs; j++) t[r, j] = T.CreateTruncating(data.Targets![i * outputs + j]);
                    break;
            }
        }
        RowGather<T>.Run(data, indices, x);
    }
}
