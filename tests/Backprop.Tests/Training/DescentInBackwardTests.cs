using System.Numerics;
using Backprop.Layers;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>
/// Trainer.TrainBatch takes a plain SGD step inside the backward pass (W = dW·(−η) + W in the epilogue of the
/// product dW = Xᵀ·Δ). It must leave the very bits of ComputeGradients followed by Sgd.Step: the weights, every
/// gradient and every layer's buffers, step after step, on every product path (tiny, one or two rows, blocked
/// with k over one or two slices, one or two threads), fused or not, in float and double.
/// </summary>
public class DescentInBackwardTests
{
    public static readonly TheoryData<string, string, int, int, int, bool> Cases = new()
    {
        // activation, loss, batch, hidden width, threads, fuse
        { "relu", "cross_entropy", 1, 256, 1, true },      // a batch of one: dW = xᵀ·δ and the step in one pass
        { "relu", "cross_entropy", 1, 512, 2, true },      // the same pass split over two threads
        { "relu", "cross_entropy", 2, 40, 2, true },
        { "relu", "cross_entropy", 37, 70, 2, true },
        { "relu", "cross_entropy", 300, 130, 2, true },    // k = 300: dW sums over two k-slices of the float kernel
        { "sigmoid", "mse", 8, 3, 1, true },               // tiny products
        { "tanh", "cross_entropy", 64, 40, 2, false },     // unfused layers
        { "leaky_relu", "mse", 600, 33, 2, true },
        { "identity", "mse", 130, 9, 1, false },
    };

    [Theory, MemberData(nameof(Cases))]
    public void FloatStepIsTheSameAsGradientsThenSgd(string activation, string loss, int batch, int hidden, int threads, bool fuse) =>
        Compare<float>(activation, loss, batch, hidden, threads, fuse);

    [Theory, MemberData(nameof(Cases))]
    public void DoubleStepIsTheSameAsGradientsThenSgd(string activation, string loss, int batch, int hidden, int threads, bool fuse) =>
        Compare<double>(activation, loss, batch, hidden, threads, fuse);

    [Theory]
    [InlineData(600, 128, 2)] // dW¹ = Xᵀ·Δ has two rows: the few-rows product, its columns split over two threads
    [InlineData(40, 30, 1)]
    public void TwoInputsTakeTheSameStep(int batch, int hidden, int threads)
    {
        Compare<float>("tanh", "mse", batch, hidden, threads, fuse: true, inputs: 2);
        Compare<double>("relu", "cross_entropy", batch, hidden, threads, fuse: true, inputs: 2);
    }

    private static void Compare<T>(string activation, string loss, int batch, int hidden, int threads, bool fuse, int inputs = 300)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int saved = Gemm.Threads;
        Gemm.Threads = threads;
        try
        {
            var spec = NetworkSpec.Mlp([inputs, hidden, hidden + 5, 3], activation, loss, "he", seed: 4);
            var plain = spec.Build<T>();
            var descending = spec.Build<T>();
            (plain.Fuse, descending.Fuse) = (fuse, fuse);
            var sgd = new Sgd<T>(0.02);
            var trainer = new Trainer<T>(descending, new Sgd<T>(0.02), batch, seed: 1);
            var rng = new Random(batch);
            var x = new Matrix<T>(batch, inputs);
            var t = new Matrix<T>(batch, loss == "cross_entropy" ? 1 : 3);
            for (int step = 0; step < 4; step++)
            {
                for (int i = 0; i < x.Length; i++) x.Span[i] = T.CreateChecked(rng.NextDouble() * 2 - 0.5);
                for (int i = 0; i < t.Length; i++) t.Span[i] = T.CreateChecked(loss == "cross_entropy" ? rng.Next(3) : rng.NextDouble());
                double expected = plain.ComputeGradients(x, t);
                Assert.True(double.IsFinite(expected), $"step {step}: the loss is {expected}");
                sgd.Step([.. plain.Parameters]);
                Assert.Equal(expected, trainer.TrainBatch(x, t));
                for (int i = 0; i < plain.Layers.Count; i++)
                {
                    Layer<T> p = plain.Layers[i], d = descending.Layers[i];
                    string where = $"step {step}, layer {i} ({p.Type})";
                    AssertSame(p.Output, d.Output, where + " Output");
                    AssertSame(p.InputGradient, d.InputGradient, where + " InputGradient");
                    for (int j = 0; j < p.Parameters.Count; j++)
                    {
                        AssertSame(p.Parameters[j].Gradient, d.Parameters[j].Gradient, $"{where} d{p.Parameters[j].Name}");
                        AssertSame(p.Parameters[j].Value, d.Parameters[j].Value, $"{where} {p.Parameters[j].Name}");
                    }
                }
            }
        }
        finally
        {
            Gemm.Threads = saved;
        }
    }

    [Fact]
    public void MomentumAndWeightDecayStillStepAfterTheBackwardPass()
    {
        var spec = NetworkSpec.Mlp([5, 4, 2], "relu", "mse", "he", seed: 2);
        foreach (var (momentum, decay) in new[] { (0.9, 0.0), (0.0, 0.01) })
        {
            var plain = spec.Build<double>();
            var trained = spec.Build<double>();
            var sgd = new Sgd<double>(0.1, momentum, decay);
            var trainer = new Trainer<double>(trained, new Sgd<double>(0.1, momentum, decay), 3, seed: 1);
            var x = Matrix<double>.From(new double[,] { { 1, 2, 3, 4, 5 }, { -1, 0, 1, 0, -1 }, { 0.5, 0.5, 0.5, 0.5, 0.5 } });
            var t = Matrix<double>.From(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } });
            for (int step = 0; step < 3; step++)
            {
                plain.ComputeGradients(x, t);
                sgd.Step([.. plain.Parameters]);
                trainer.TrainBatch(x, t);
            }
            Assert.Equal(plain.Parameters.SelectMany(p => p.Value.ToArray()), trained.Parameters.SelectMany(p => p.Value.ToArray()));
        }
    }

    [Fact]
    public void NoStepWhenTheLossIsNotFinite()
    {
        var network = NetworkSpec.Mlp([2, 3, 1], "relu", "mse", "he", seed: 2).Build<float>();
        var before = network.Parameters.Select(p => p.Value.ToArray()).ToList();
        var trainer = new Trainer<float>(network, new Sgd<float>(0.1), 1, seed: 1);
        double loss = trainer.TrainBatch(Matrix<float>.From(new float[,] { { float.PositiveInfinity, 1 } }), Matrix<float>.From(new float[,] { { 1 } }));
        Assert.False(double.IsFinite(loss));
        Assert.Equal(before, network.Parameters.Select(p => p.Value.ToArray()).ToList());
    }

    private static void AssertSame<T>(Matrix<T>? expected, Matrix<T>? actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (expected is null)
        {
            Assert.True(actual is null, $"{what}: expected null");
            return;
        }
        Assert.True(actual is not null, $"{what}: missing");
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, expected {expected.Shape}");
        // Bit for bit: −0 and +0 differ here.
        var e = System.Runtime.InteropServices.MemoryMarshal.AsBytes(expected.Span);
        var a = System.Runtime.InteropServices.MemoryMarshal.AsBytes(actual.Span);
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        for (int i = 0; i < e.Length; i += size)
            Assert.True(e.Slice(i, size).SequenceEqual(a.Slice(i, size)), $"{what}[{i / size}] = {actual.Span[i / size]}, expected {expected.Span[i / size]}");
    }
}
