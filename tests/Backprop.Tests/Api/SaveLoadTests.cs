using Backprop.IO;
using Backprop.Losses;
using Backprop.Model;
using Backprop.Training;

namespace Backprop.Tests.Api;

/// <summary>Save and Load on the network; the typed choices are the format's strings by another name.</summary>
public class SaveLoadTests
{
    [Fact]
    public void SaveThenLoad_GivesTheSameNetwork_BitForBit()
    {
        string dir = Directory.CreateTempSubdirectory("backprop-api-").FullName;
        try
        {
            var x = ApiData.Random(50, 3, seed: 1);
            var t = ApiData.Random(50, 2, seed: 2);
            foreach (var (f, path) in new[] { (false, "f32.json"), (true, "f64.json") })
            {
                string file = Path.Combine(dir, path);
                if (f)
                {
                    var net = NetworkSpec.Mlp([3, 5, 2], ActivationKind.LeakyRelu, LossKind.Mse, seed: 4).Build<double>();
                    net.Fit(ApiData.ToDouble(x), ApiData.ToDouble(t), new FitOptions { Epochs = 3 });
                    net.Save(file);
                    var back = Network<double>.Load(file);
                    Assert.Equal(ApiData.Values(net), ApiData.Values(back));
                    Assert.Equal(net.ToString(), back.ToString());
                    Assert.Equal(net.Predict(new double[,] { { 1, 2, 3 } }), back.Predict(new double[,] { { 1, 2, 3 } }));
                }
                else
                {
                    var net = NetworkSpec.Mlp([3, 5, 2], ActivationKind.Sigmoid, LossKind.BceWithLogits, seed: 4).Build<float>();
                    net.Fit(x, new int[50], new FitOptions { Epochs = 3 });
                    net.Save(file);
                    var back = Network<float>.Load(file);
                    Assert.Equal(ApiData.Bits(net), ApiData.Bits(back));
                    Assert.Equal(net.PredictProba(x), back.PredictProba(x));
                }
                Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Load_OfABadFile_SaysWhereInOneLine()
    {
        string file = Path.Combine(Path.GetTempPath(), $"backprop-api-missing-{Guid.NewGuid():N}.json");
        var e = Assert.Throws<BackpropException>(() => Network<float>.Load(file));
        Assert.Contains("file not found", e.Message);
    }

    public static TheoryData<ActivationKind, string> Activations => new()
    {
        { ActivationKind.Identity, "identity" }, { ActivationKind.Sigmoid, "sigmoid" }, { ActivationKind.Tanh, "tanh" },
        { ActivationKind.Relu, "relu" }, { ActivationKind.LeakyRelu, "leaky_relu" },
    };

    public static TheoryData<LossKind, string> Losses => new()
    {
        { LossKind.Sse, "sse" }, { LossKind.HalfSse, "half_sse" }, { LossKind.Mse, "mse" },
        { LossKind.CrossEntropy, "cross_entropy" }, { LossKind.BceWithLogits, "bce_with_logits" },
    };

    public static TheoryData<InitKind, string> Inits => new()
    {
        { InitKind.Naive, "naive" }, { InitKind.XavierUniform, "xavier" }, { InitKind.XavierNormal, "xavier_normal" },
        { InitKind.HeNormal, "he" }, { InitKind.HeUniform, "he_uniform" },
    };

    [Theory]
    [MemberData(nameof(Activations))]
    public void ActivationKind_BuildsWhatItsStringBuilds(ActivationKind kind, string name) =>
        Assert.Equal(Json(NetworkSpec.Mlp([3, 4, 2], name, "mse", "xavier", seed: 2)), Json(NetworkSpec.Mlp([3, 4, 2], kind, LossKind.Mse, InitKind.XavierUniform, seed: 2)));

    [Theory]
    [MemberData(nameof(Losses))]
    public void LossKind_BuildsWhatItsStringBuilds(LossKind kind, string name)
    {
        Assert.Equal(Json(NetworkSpec.Mlp([3, 4, 2], "tanh", name, seed: 2)), Json(NetworkSpec.Mlp([3, 4, 2], ActivationKind.Tanh, kind, seed: 2)));
        Assert.Equal(name, Loss<double>.Create(kind).Name);
    }

    [Theory]
    [MemberData(nameof(Inits))]
    public void InitKind_DrawsWhatItsStringDraws(InitKind kind, string name)
    {
        Assert.Equal(Json(NetworkSpec.Mlp([3, 4, 2], "relu", "mse", name, seed: 2)), Json(NetworkSpec.Mlp([3, 4, 2], ActivationKind.Relu, LossKind.Mse, kind, seed: 2)));
        var byFactory = new NetworkSpec([LayerSpec.Dense(3, 4, kind)], LossKind.Mse, seed: 3);
        var byString = new NetworkSpec([new LayerSpec("dense") { Inputs = 3, Outputs = 4, Init = name }], "mse", 3);
        Assert.Equal(Json(byString), Json(byFactory));
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, "sgd")]
    [InlineData(OptimizerKind.Momentum, "momentum")]
    [InlineData(OptimizerKind.Adam, "adam")]
    public void OptimizerKind_StepsAsItsStringSteps(OptimizerKind kind, string name)
    {
        var x = ApiData.Random(20, 3, seed: 1);
        var t = ApiData.Random(20, 2, seed: 2);
        var a = NetworkSpec.Mlp([3, 4, 2], "tanh", "mse", seed: 2).Build<double>();
        var b = NetworkSpec.Mlp([3, 4, 2], "tanh", "mse", seed: 2).Build<double>();
        var opt = Optimizer<double>.Create(name, 0.1);
        var trainer = new Trainer<double>(b, opt, 5, 1);
        var data = new Backprop.Data.Dataset("data", [.. x.Cast<float>()], 3, [.. t.Cast<float>()], 2);
        trainer.TrainEpoch(data);
        trainer.TrainEpoch(data);
        a.Fit(ApiData.ToDouble(x), ApiData.ToDouble(t), new FitOptions { Epochs = 2, BatchSize = 5, Optimizer = kind, LearningRate = 0.1, Seed = 1 });
        Assert.Equal(ApiData.Values(b), ApiData.Values(a));
        Assert.Equal(opt.GetType(), Optimizer<double>.Create(kind, 0.1).GetType());
    }

    [Fact]
    public void LeakyReluSlope_IsKept_AndOtherActivationsTakeNone()
    {
        Assert.Equal(0.2, LayerSpec.Activation(ActivationKind.LeakyRelu, 0.2).Slope);
        Assert.Null(LayerSpec.Activation(ActivationKind.Tanh, 0.2).Slope);
        var net = new NetworkSpec([LayerSpec.Dense(1, 1), LayerSpec.Activation(ActivationKind.LeakyRelu, 0.2)], LossKind.Mse).Build<double>();
        Assert.Equal(0.2, ((Backprop.Layers.LeakyRelu<double>)net.Layers[1]).Slope);
    }

    private static string Json(NetworkSpec spec) => NetworkJson.Write(NetworkSpec.From(spec.Build<double>())) + spec.Loss;
}
