using Backprop.Layers;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Tests.Layers;

/// <summary>
/// The fused path (Network.Fuse) must leave in every layer exactly the numbers the five readable steps
/// leave: traces and diagrams read Input, Output, the gradients and σ' after training.
/// </summary>
public class FusionTests
{
    public static readonly TheoryData<string, string, int, int> Cases = new()
    {
        // activation, loss, batch, hidden width (sizes around and inside the GEMM tiles)
        { "relu", "cross_entropy", 37, 70 },
        { "sigmoid", "mse", 8, 3 },
        { "sigmoid", "half_sse", 2, 2 },
        { "tanh", "cross_entropy", 64, 40 },
        { "leaky_relu", "sse", 5, 33 },
        { "identity", "mse", 130, 9 },
    };

    [Theory, MemberData(nameof(Cases))]
    public void FusedAndUnfusedPathsHoldTheSameNumbers(string activation, string loss, int batch, int hidden)
    {
        var spec = NetworkSpec.Mlp([12, hidden, hidden + 5, 3], activation, loss, null, seed: 4);
        var fused = spec.Build<float>();
        var plain = spec.Build<float>();
        plain.Fuse = false;
        var rng = new Random(batch);
        var x = new Matrix<float>(batch, 12);
        for (int i = 0; i < x.Length; i++) x.Span[i] = (float)(rng.NextDouble() * 4 - 2);
        var t = new Matrix<float>(batch, loss == "cross_entropy" ? 1 : 3);
        for (int i = 0; i < t.Length; i++) t.Span[i] = loss == "cross_entropy" ? rng.Next(3) : (float)rng.NextDouble();

        for (int step = 0; step < 3; step++)
        {
            Assert.Equal(plain.ComputeGradients(x, t, needInputGradient: step == 1), fused.ComputeGradients(x, t, needInputGradient: step == 1));
            for (int i = 0; i < plain.Layers.Count; i++)
            {
                Layer<float> p = plain.Layers[i], f = fused.Layers[i];
                string where = $"step {step}, layer {i} ({p.Type})";
                AssertSame(p.Input, f.Input, where + " Input");
                AssertSame(p.Output, f.Output, where + " Output");
                AssertSame(p.OutputGradient, f.OutputGradient, where + " OutputGradient");
                AssertSame(p.InputGradient, f.InputGradient, where + " InputGradient");
                if (p is Activation<float> pa) AssertSame(pa.Derivative, ((Activation<float>)f).Derivative, where + " Derivative");
                for (int j = 0; j < p.Parameters.Count; j++)
                    AssertSame(p.Parameters[j].Gradient, f.Parameters[j].Gradient, $"{where} d{p.Parameters[j].Name}");
            }
            // Take a step so the next batch sees new weights on both sides.
            foreach (var net in new[] { plain, fused })
                foreach (var parameter in net.Parameters)
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(parameter.Gradient.Span, -0.5f, parameter.Value.Span, parameter.Value.Span);
        }
    }

    private static void AssertSame(Matrix<float>? expected, Matrix<float>? actual, string what)
    {
        if (expected is null)
        {
            Assert.True(actual is null, $"{what}: expected null");
            return;
        }
        Assert.True(actual is not null, $"{what}: missing");
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, expected {expected.Shape}");
        var e = expected.Span;
        var a = actual.Span;
        for (int i = 0; i < e.Length; i++)
            Assert.True(e[i].Equals(a[i]), $"{what}[{i}] = {a[i]:R}, expected {e[i]:R}");
    }
}
