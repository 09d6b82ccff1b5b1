using Backprop.Layers;
using static Backprop.Tests.Core.Nets;

namespace Backprop.Tests.Core;

/// <summary>
/// The worked examples of the second article ("a needlessly explicit intuition"), checked against
/// the closed forms it derives: E = ½Σ(t − y)², δ_k = y_k − t_k, linear networks without bias.
/// </summary>
public class ArticleExamplesTests
{
    private static double[][] Grad(Dense<double> d) => d.Weights.Gradient.ToRows();

    [Fact]
    public void SingleWeight_GradientIs_YMinusT_TimesX()
    {
        double x = 1.5, w = 0.8, t = 2.0;
        var net = Linear([[w]]);
        net.ComputeGradients(M([x]), M([t]));
        double y = x * w;
        Assert.Equal((y - t) * x, Grad(net.DenseLayers.First())[0][0], 12);
    }

    [Fact]
    public void HiddenChain_GradientIs_YMinusT_TimesW2_TimesX()
    {
        double x = 0.7, w1 = -1.2, w2 = 0.9, t = 0.3;
        var net = Linear([[w1]], [[w2]]);
        net.ComputeGradients(M([x]), M([t]));
        double y = x * w1 * w2;
        var layers = net.DenseLayers.ToArray();
        Assert.Equal((y - t) * w2 * x, Grad(layers[0])[0][0], 12);
        Assert.Equal((y - t) * x * w1, Grad(layers[1])[0][0], 12); // Δw2 = δ·h
    }

    [Fact]
    public void TwoOutputs_EachWeightSeesOnlyItsOwnError()
    {
        double x = 1.1, t1 = 0.5, t2 = -0.4;
        double[] w = [0.3, -0.6];
        var net = Linear([w]);
        net.ComputeGradients(M([x]), M([t1, t2]));
        var g = Grad(net.DenseLayers.First());
        Assert.Equal((x * w[0] - t1) * x, g[0][0], 12); // Δw_k = δ_k x
        Assert.Equal((x * w[1] - t2) * x, g[0][1], 12);
    }

    [Fact]
    public void TwoTwoTwo_GradientIs_X_TimesSumOfDeltaTimesWeight()
    {
        var rng = new Random(7);
        var w1 = RandomMatrix(rng, 2, 2);
        var w2 = RandomMatrix(rng, 2, 2);
        double[] x = [0.4, -0.9], t = [0.2, 0.8];
        var net = Linear(w1, w2);
        net.ComputeGradients(M(x), M(t));
        double[] h = [x[0] * w1[0][0] + x[1] * w1[1][0], x[0] * w1[0][1] + x[1] * w1[1][1]];
        double[] delta = [h[0] * w2[0][0] + h[1] * w2[1][0] - t[0], h[0] * w2[0][1] + h[1] * w2[1][1] - t[1]];
        var g = Grad(net.DenseLayers.First());
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                Assert.Equal(x[i] * (delta[0] * w2[j][0] + delta[1] * w2[j][1]), g[i][j], 12); // x_i Σ_k δ_k w²_jk
    }

    [Fact]
    public void TwoTwoTwoTwo_GradientIs_X_TimesSumOverOutputsAndPaths()
    {
        var rng = new Random(11);
        var w1 = RandomMatrix(rng, 2, 2);
        var w2 = RandomMatrix(rng, 2, 2);
        var w3 = RandomMatrix(rng, 2, 2);
        double[] x = [1.3, -0.2], t = [0.5, -1.0];
        var net = Linear(w1, w2, w3);
        net.ComputeGradients(M(x), M(t));
        var y = net.Output!.ToRows()[0];
        double[] delta = [y[0] - t[0], y[1] - t[1]];
        var g = Grad(net.DenseLayers.First());
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                // x_i Σ_k δ_k Σ_paths (product of the weights on the path j → m → k)
                double sum = 0;
                for (int k = 0; k < 2; k++)
                    for (int m = 0; m < 2; m++) sum += delta[k] * w2[j][m] * w3[m][k];
                Assert.Equal(x[i] * sum, g[i][j], 12);
            }
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 7)]
    [InlineData(4, 13)]
    public void LinearNets_GradientEqualsBruteForcePathSum_OverBatch(int batch, int seed)
    {
        // Enumerate every path explicitly: for a weight W¹[i][j], each batch row b, each output k and each
        // chain of hidden units contributes x_bi · δ_bk · Π(weights on the chain).
        var rng = new Random(seed);
        int[] sizes = [3, 2, 3, 2];
        var ws = Enumerable.Range(0, sizes.Length - 1).Select(l => RandomMatrix(rng, sizes[l], sizes[l + 1])).ToArray();
        var x = RandomMatrix(rng, batch, sizes[0]);
        var t = RandomMatrix(rng, batch, sizes[^1]);
        var net = Linear(ws);
        net.ComputeGradients(M(x), M(t));
        var y = net.Output!.ToRows();
        var g = Grad(net.DenseLayers.First());
        for (int i = 0; i < sizes[0]; i++)
            for (int j = 0; j < sizes[1]; j++)
            {
                double total = 0;
                for (int b = 0; b < batch; b++)
                    for (int m = 0; m < sizes[2]; m++)
                        for (int k = 0; k < sizes[3]; k++)
                            total += x[b][i] * (y[b][k] - t[b][k]) * ws[1][j][m] * ws[2][m][k];
                Assert.Equal(total, g[i][j], 11);
            }
    }
}
