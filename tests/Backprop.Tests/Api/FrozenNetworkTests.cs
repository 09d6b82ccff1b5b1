using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Tests.Api;

/// <summary>
/// A frozen network predicts what its network predicted when it was frozen, bit for bit, with its weights packed
/// once; training the network afterwards changes the network's predictions and not the frozen ones.
/// </summary>
public class FrozenNetworkTests
{
    [Theory]
    [InlineData("relu", 1)]
    [InlineData("relu", 300)]
    [InlineData("relu", 1024)]
    [InlineData("tanh", 37)]
    [InlineData("leaky_relu", 130)]
    [InlineData("identity", 2)]
    public void Frozen_PredictsWhatTheNetworkPredicts_BitForBit(string activation, int batch)
    {
        var net = NetworkSpec.Mlp([300, 260, 140, 10], activation, "cross_entropy", seed: 4).Build<float>();
        var x = Matrix<float>.From(ApiData.Random(batch, 300, seed: batch));
        var frozen = net.Freeze();
        Assert.Equal(net.Predict(x).ToArray(), frozen.Predict(x).ToArray());
        Assert.Equal((300, 10), (frozen.Inputs, frozen.Outputs));
        // Its own weights, each W packed: nothing is shared with the live network.
        Assert.All(frozen.Copy.DenseLayers.Zip(net.DenseLayers), pair =>
        {
            Assert.NotSame(pair.Second.Weights.Value, pair.First.Weights.Value);
            Assert.Same(pair.First.Weights.Value, pair.First.PackedWeights!.Source);
        });
    }

    [Fact]
    public void Frozen_InDoubleAndWithBfloat16Storage_PredictsWhatTheNetworkPredicts()
    {
        var net64 = NetworkSpec.Mlp([50, 64, 3], "relu", "cross_entropy", seed: 1).Build<double>();
        var x64 = Matrix<double>.From(ToDouble(ApiData.Random(200, 50, seed: 2)));
        Assert.Equal(net64.Predict(x64).ToArray(), net64.Freeze().Predict(x64).ToArray());

        var net16 = NetworkSpec.Mlp([50, 64, 3], "relu", "cross_entropy", seed: 1).Build<float>();
        net16.Storage = StorageFormat.BFloat16;
        var x = Matrix<float>.From(ApiData.Random(200, 50, seed: 2));
        var frozen = net16.Freeze();
        Assert.Equal(net16.Predict(x).ToArray(), frozen.Predict(x).ToArray());
        net16.Storage = StorageFormat.Float32;
        Assert.NotEqual(net16.Predict(x).ToArray(), frozen.Predict(x).ToArray()); // the frozen one kept bfloat16
    }

    [Fact]
    public void TrainingAfterFreezing_ChangesTheNetwork_NotTheFrozenCopy()
    {
        var net = NetworkSpec.Mlp([300, 260, 140, 10], "relu", "cross_entropy", seed: 4).Build<float>();
        var x = Matrix<float>.From(ApiData.Random(256, 300, seed: 9));
        var targets = new Matrix<float>(256, 1);
        for (int i = 0; i < 256; i++) targets.Span[i] = i % 10;
        var before = net.Predict(x).ToArray();
        var frozen = net.Freeze();
        new Trainer<float>(net, new Sgd<float>(0.1), 256, 1).TrainBatch(x, targets);
        Assert.NotEqual(before, net.Predict(x).ToArray());
        Assert.Equal(before, frozen.Predict(x).ToArray());
        Assert.Equal(net.Predict(x).ToArray(), net.Freeze().Predict(x).ToArray()); // freezing again takes the new weights
    }

    [Fact]
    public void ManyThreads_OneFrozenNetwork_GetTheirOwnAnswers()
    {
        var frozen = NetworkSpec.Mlp([300, 260, 140, 10], "relu", "cross_entropy", seed: 4).Build<float>().Freeze();
        var inputs = Enumerable.Range(0, 8).Select(i => Matrix<float>.From(ApiData.Random(64 + i, 300, seed: 20 + i))).ToArray();
        var expected = inputs.Select(x => frozen.Predict(x).ToArray()).ToArray();
        var results = new float[inputs.Length][][];
        Parallel.For(0, inputs.Length, i => results[i] = [.. Enumerable.Range(0, 20).Select(_ => frozen.Predict(inputs[i]).ToArray())]);
        for (int i = 0; i < inputs.Length; i++)
            foreach (var y in results[i]) Assert.Equal(expected[i], y);
    }

    [Fact]
    public void TheWrongNumberOfColumns_IsOneLineNamingBoth()
    {
        var frozen = NetworkSpec.Mlp([4, 8, 3], "relu", "cross_entropy", seed: 1).Build<float>().Freeze();
        var e = Assert.Throws<BackpropException>(() => frozen.Predict(new float[2, 5]));
        Assert.Equal("the network takes 4 inputs per row but the data has 5 columns", e.Message);
    }

    [Fact]
    public void ProbabilitiesAndClasses_AreTheNetworks()
    {
        var net = NetworkSpec.Mlp([20, 16, 4], "tanh", "cross_entropy", seed: 3).Build<float>();
        var x = ApiData.Random(30, 20, seed: 4);
        var frozen = net.Freeze();
        Assert.Equal(net.PredictProba(x), frozen.PredictProba(x));
        Assert.Equal(net.PredictClasses(x), frozen.PredictClasses(x));
    }

    private static double[,] ToDouble(float[,] x)
    {
        var d = new double[x.GetLength(0), x.GetLength(1)];
        for (int i = 0; i < x.GetLength(0); i++)
            for (int j = 0; j < x.GetLength(1); j++) d[i, j] = x[i, j];
        return d;
    }
}
