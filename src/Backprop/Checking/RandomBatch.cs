using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Checking;

/// <summary>A seeded random batch that fits a network and its loss, for checks when no data is given.</summary>
public static class RandomBatch
{
    /// <summary>X in [−1, 1] and targets that fit the network's loss.</summary>
    /// <param name="network">The network.</param>
    /// <param name="rows">Examples.</param>
    /// <param name="seed">The seed.</param>
    public static (Matrix<double> X, Matrix<double> T) For(Network<double> network, int rows, int seed)
    {
        var rng = new Random(seed);
        var x = new Matrix<double>(rows, network.Inputs);
        foreach (ref var v in x.Span) v = Gaussian.StandardNormal(rng);
        int k = network.Outputs;
        Matrix<double> t;
        switch (network.Loss.Name)
        {
            case "cross_entropy" when k > 1:
                t = new Matrix<double>(rows, 1);
                foreach (ref var v in t.Span) v = rng.Next(k);
                break;
            case "bce_with_logits":
                t = new Matrix<double>(rows, k);
                foreach (ref var v in t.Span) v = rng.Next(2);
                break;
            default:
                t = new Matrix<double>(rows, k);
                foreach (ref var v in t.Span) v = Gaussian.StandardNormal(rng);
                break;
        }
        return (x, t);
    }
}
