using System.Reflection;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Tests.Api;

/// <summary>
/// The three traps a library user fell into: Forward's result is a buffer the next call overwrites, a matrix's
/// public array could be longer than the matrix, and Forward from many threads on one network gave wrong
/// numbers silently. Predict returns what the caller owns and may be called from many threads.
/// </summary>
public class PredictTests
{
    private static Network<float> Net(string activation = "tanh", string loss = "cross_entropy", int outputs = 3) =>
        NetworkSpec.Mlp([4, 16, 16, outputs], activation, loss, seed: 5).Build<float>();

    [Fact]
    public void TwoPredictResults_DoNotAlias_WhileTwoForwardResultsDo()
    {
        var net = Net();
        var xa = Matrix<float>.From(ApiData.Random(2, 4, seed: 1));
        var xb = Matrix<float>.From(ApiData.Random(2, 4, seed: 2));
        var expectedA = net.Forward(xa).ToArray();
        var expectedB = net.Forward(xb).ToArray();
        Assert.NotEqual(expectedA, expectedB);

        var ya = net.Predict(xa);
        var yb = net.Predict(xb);
        Assert.NotSame(ya, yb);
        Assert.Equal(expectedA, ya.ToArray());
        Assert.Equal(expectedB, yb.ToArray());
        // A Forward between them changes neither: the caller owns them.
        net.Forward(xb);
        Assert.Equal(expectedA, ya.ToArray());

        // Forward is documented to hand back its buffer: the second call changes the first result.
        var fa = net.Forward(xa);
        net.Forward(xb);
        Assert.Equal(expectedB, fa.ToArray());
    }

    [Theory]
    [InlineData("tanh", "cross_entropy")]
    [InlineData("sigmoid", "half_sse")]
    [InlineData("relu", "mse")]
    [InlineData("leaky_relu", "bce_with_logits")]
    public void Predict_GivesForwardsNumbers_BitForBit_AndLeavesTheLayersAlone(string activation, string loss)
    {
        var net = NetworkSpec.Mlp([4, 40, 30, 3], activation, loss, seed: 2).Build<double>();
        var x = Matrix<double>.From(ToDouble(ApiData.Random(7, 4, seed: 3, scale: 3)));
        var other = Matrix<double>.From(new double[1, 4]);
        net.Forward(other);
        var kept = net.Output!.ToArray();
        var y = net.Predict(x);
        Assert.Equal(kept, net.Output!.ToArray());
        Assert.Same(other, net.Layers[0].Input);
        Assert.Equal(net.Forward(x).ToArray(), y.ToArray());
    }

    [Theory]
    [InlineData("relu", 1)]
    [InlineData("relu", 37)]
    [InlineData("leaky_relu", 2)]
    [InlineData("sigmoid", 37)]
    [InlineData("tanh", 1)]
    [InlineData("identity", 9)]
    public void Predict_FusedInPlace_GivesTheUnfusedNumbers_BitForBit_InFloat32(string activation, int batch)
    {
        // Widths past one 512-bit strip of columns (one- and two-row products) and past one block of k.
        var net = NetworkSpec.Mlp([300, 260, 140, 10], activation, "cross_entropy", seed: 4).Build<float>();
        var x = Matrix<float>.From(ApiData.Random(batch, 300, seed: batch, scale: 2));
        var fused = net.Predict(x).ToArray();
        net.Fuse = false;
        var unfused = net.Predict(x).ToArray();
        Assert.Equal(unfused, fused);
        Assert.Equal(net.Forward(x).ToArray(), fused);
    }

    [Fact]
    public void NoPublicArray_CanBeLongerThanItsMatrix()
    {
        var net = Net();
        var big = Matrix<float>.From(ApiData.Random(4, 4, seed: 1));
        var small = Matrix<float>.From(ApiData.Random(2, 4, seed: 2));
        net.Forward(big);
        var y = net.Forward(small);                      // reuses the 4×3 buffer for a 2×3 result
        Assert.Equal(6, y.Span.Length);
        Assert.Equal(6, y.ToArray().Length);
        Assert.Equal(3, y.Row(1).Length);
        var p = net.Predict(small.ToArray2D());
        Assert.Equal((2, 3), (p.GetLength(0), p.GetLength(1)));

        // Nothing public on Matrix hands out its storage array.
        var members = typeof(Matrix<float>).GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static);
        Assert.DoesNotContain(members.OfType<PropertyInfo>(), p => p.PropertyType.IsArray);
        Assert.DoesNotContain(members.OfType<FieldInfo>(), f => f.FieldType.IsArray);
        // and an array wrapped as a matrix must be exactly its size
        Assert.Throws<ArgumentException>(() => new Matrix<float>(2, 3, new float[24]));
    }

    [Theory]
    [InlineData(4, 16, 3, 4000)]      // tiny products, one thread each
    [InlineData(64, 300, 40, 300)]    // products large enough to split over the worker pool, k beyond one block
    public void ParallelPredict_OnOneNetwork_EqualsSequentialResults(int inputs, int width, int maxRows, int calls)
    {
        var net = NetworkSpec.Mlp([inputs, width, width, 3], "relu", "cross_entropy", seed: 5).Build<float>();
        var batches = Enumerable.Range(0, calls).Select(i => Matrix<float>.From(ApiData.Random(1 + i % maxRows, inputs, seed: i, scale: 2))).ToArray();
        var sequential = batches.Select(x => net.Predict(x).ToArray()).ToArray();
        var parallel = new float[calls][];
        Parallel.For(0, calls, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = net.Predict(batches[i]).ToArray());
        int wrong = Enumerable.Range(0, calls).Count(i => !sequential[i].AsSpan().SequenceEqual(parallel[i]));
        Assert.Equal(0, wrong);
        // and each equals the training path's Forward on the same input
        for (int i = 0; i < 50; i++) Assert.Equal(net.Forward(batches[i]).ToArray(), sequential[i]);
    }

    [Fact]
    public void PredictProba_IsTheSoftmaxOrSigmoidOfTheOutputs_InDouble()
    {
        var x = ApiData.Random(5, 4, seed: 9, scale: 2);
        var softmaxNet = NetworkSpec.Mlp([4, 8, 3], "tanh", "cross_entropy", seed: 1).Build<double>();
        var xd = Matrix<double>.From(ToDouble(x));
        var logits = softmaxNet.Predict(xd);
        var p = softmaxNet.PredictProba(xd);
        for (int r = 0; r < 5; r++)
        {
            var row = logits.Row(r).ToArray();
            double sum = row.Sum(Math.Exp);
            for (int k = 0; k < 3; k++) Assert.Equal(Math.Exp(row[k]) / sum, p[r, k], 1e-12);
        }
        var bceNet = NetworkSpec.Mlp([4, 8, 1], "tanh", "bce_with_logits", seed: 1).Build<double>();
        var q = bceNet.PredictProba(ToDouble(x));
        var z = bceNet.Predict(ToDouble(x));
        for (int r = 0; r < 5; r++) Assert.Equal(1 / (1 + Math.Exp(-z[r, 0])), q[r, 0], 1e-12);
        Assert.Equal(Enumerable.Range(0, 5).Select(r => z[r, 0] > 0 ? 1 : 0), bceNet.PredictClasses(ToDouble(x)));

        var regression = NetworkSpec.Mlp([4, 8, 1], "tanh", "mse", seed: 1).Build<double>();
        Assert.Throws<InvalidOperationException>(() => regression.PredictProba(ToDouble(x)));
    }

    private static double[,] ToDouble(float[,] x)
    {
        var d = new double[x.GetLength(0), x.GetLength(1)];
        for (int i = 0; i < x.GetLength(0); i++)
            for (int j = 0; j < x.GetLength(1); j++) d[i, j] = x[i, j];
        return d;
    }
}
