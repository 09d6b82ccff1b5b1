using Backprop.Losses;
using Backprop.Tensors;
using static Backprop.Tests.Core.Nets;

namespace Backprop.Tests.Core;

/// <summary>Loss values and ∂L/∂Y against their definitions, and numerical stability at extreme logits.</summary>
public class LossTests
{
    private static (double Loss, double[][] Grad) Eval(string name, Matrix<double> y, Matrix<double> t)
    {
        var g = new Matrix<double>(0, 0);
        double loss = Loss<double>.Create(name).Compute(y, t, g);
        return (loss, g.ToRows());
    }

    [Fact]
    public void SquaredErrors_FollowTheirReductions()
    {
        var y = M([1.0, 2.0], [3.0, -1.0]);
        var t = M([0.5, 2.5], [1.0, 0.0]);
        double sum = 0.25 + 0.25 + 4 + 1;
        Assert.Equal(sum, Eval("sse", y, t).Loss, 12);
        Assert.Equal(sum / 2, Eval("half_sse", y, t).Loss, 12);
        Assert.Equal(sum / 4, Eval("mse", y, t).Loss, 12);
        Assert.Equal(2 * 2.0, Eval("sse", y, t).Grad[1][0], 12);       // 2(y − t)
        Assert.Equal(2.0, Eval("half_sse", y, t).Grad[1][0], 12);       // y − t = δ
        Assert.Equal(2 * 2.0 / 4, Eval("mse", y, t).Grad[1][0], 12);   // 2(y − t)/(B·K)
    }

    [Fact]
    public void CrossEntropy_ClassIndicesAndProbabilitiesAgree()
    {
        var y = M([2.0, -1.0, 0.5], [0.1, 0.2, 0.3]);
        var (byIndex, gIndex) = Eval("cross_entropy", y, M([0.0], [2.0]));
        var (byProb, gProb) = Eval("cross_entropy", y, M([1.0, 0, 0], [0, 0, 1.0]));
        double lse0 = Math.Log(Math.Exp(2) + Math.Exp(-1) + Math.Exp(0.5));
        double lse1 = Math.Log(Math.Exp(0.1) + Math.Exp(0.2) + Math.Exp(0.3));
        Assert.Equal(((lse0 - 2) + (lse1 - 0.3)) / 2, byIndex, 12);
        Assert.Equal(byIndex, byProb, 12);
        for (int r = 0; r < 2; r++)
            for (int k = 0; k < 3; k++) Assert.Equal(gIndex[r][k], gProb[r][k], 12);
        Assert.Equal((Math.Exp(-1 - lse0)) / 2, gIndex[0][1], 12); // softmax/B off the class
    }

    [Theory]
    [InlineData("cross_entropy")]
    [InlineData("bce_with_logits")]
    public void ExtremeLogits_StayFinite(string name)
    {
        var y = M([1000.0, -1000.0], [-1000.0, 1000.0]);
        var t = name == "cross_entropy" ? M([1.0], [1.0]) : M([0.0, 1.0], [1.0, 0.0]);
        var (loss, grad) = Eval(name, y, t);
        Assert.True(double.IsFinite(loss));
        Assert.Equal(1000.0, loss, 6); // CE: one row off by 2000, one right; BCE: four elements each off by 1000
        Assert.All(grad.SelectMany(r => r), v => Assert.True(double.IsFinite(v)));

        var yf = Matrix<float>.FromRows(y.ToRows());
        var g = new Matrix<float>(0, 0);
        Assert.True(double.IsFinite(Loss<float>.Create(name).Compute(yf, Matrix<float>.FromRows(t.ToRows()), g)));
        Assert.All(g.ToRows().SelectMany(r => r), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void BceWithLogits_MatchesDefinition()
    {
        var y = M([0.3, -2.0]);
        var t = M([1.0, 0.0]);
        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
        double expected = (-Math.Log(Sigmoid(0.3)) - Math.Log(1 - Sigmoid(-2.0))) / 2;
        var (loss, grad) = Eval("bce_with_logits", y, t);
        Assert.Equal(expected, loss, 12);
        Assert.Equal((Sigmoid(0.3) - 1) / 2, grad[0][0], 12);
    }

    [Fact]
    public void BadTargets_AreRefusedWithAClearMessage()
    {
        var y = M([1.0, 2.0, 3.0]);
        Assert.Contains("not a class index", Assert.Throws<BackpropException>(() => Eval("cross_entropy", y, M([3.0]))).Message);
        Assert.Contains("shape", Assert.Throws<BackpropException>(() => Eval("mse", y, M([1.0, 2.0]))).Message);
        Assert.Contains("unknown loss", Assert.Throws<BackpropException>(() => Loss<double>.Create("l1")).Message);
    }
}
