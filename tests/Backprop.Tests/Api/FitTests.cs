using Backprop.Data;
using Backprop.Losses;
using Backprop.Model;
using Backprop.Training;

namespace Backprop.Tests.Api;

/// <summary>Fit on plain arrays: it is the Trainer's loop, with a validation split, a callback, early stopping and cancellation.</summary>
public class FitTests
{
    private static Network<float> Classifier(int seed = 1) =>
        NetworkSpec.Mlp([2, 16, 16, 2], ActivationKind.Tanh, LossKind.CrossEntropy, seed: seed).Build<float>();

    [Fact]
    public void Fit_OnCircles_ReachesHighAccuracy()
    {
        var data = Synthetic.Circles(400, seed: 1);
        var net = Classifier();
        var result = net.Fit(ApiData.Features(data), data.Labels!, new FitOptions { Epochs = 60, BatchSize = 16, LearningRate = 0.02 });
        Assert.Equal(60, result.History.Count);
        int[] predicted = net.PredictClasses(ApiData.Features(data));
        double accuracy = predicted.Zip(data.Labels!).Count(p => p.First == p.Second) / (double)data.Count;
        Assert.True(accuracy >= 0.95, $"accuracy {accuracy:P1}");
    }

    [Fact]
    public void Fit_EqualsTheTrainer_WithTheSameSettings()
    {
        var data = Synthetic.Circles(200, seed: 2);
        var options = new FitOptions { Epochs = 5, BatchSize = 8, Optimizer = OptimizerKind.Momentum, LearningRate = 0.05, Seed = 7, ValidationSplit = 0.25 };
        var fitted = Classifier(seed: 3);
        var result = fitted.Fit(ApiData.Features(data), data.Labels!, options);

        var reference = Classifier(seed: 3);
        var (train, validation) = data.Split(0.25, 7);
        var trainer = new Trainer<float>(reference, new Sgd<float>(0.05, momentum: 0.9), 8, 7);
        var reports = Enumerable.Range(0, 5).Select(_ => trainer.TrainEpoch(train, validation)).ToList();

        Assert.Equal(ApiData.Bits(reference), ApiData.Bits(fitted));
        Assert.Equal(reports.Select(r => r.TrainLoss), result.History.Select(r => r.TrainLoss));
        Assert.Equal(reports.Select(r => r.Test!.Loss), result.History.Select(r => r.Test!.Loss));
    }

    [Fact]
    public void Fit_Regression_LearnsALinearMap()
    {
        // A double network takes double arrays, as Predict does.
        var x = ApiData.ToDouble(ApiData.Random(256, 2, seed: 4));
        var t = new double[256, 1];
        for (int i = 0; i < 256; i++) t[i, 0] = 2 * x[i, 0] - x[i, 1] + 0.5;
        var net = new NetworkSpec([LayerSpec.Dense(2, 1)], LossKind.Mse, seed: 1).Build<double>();
        var result = net.Fit(x, t, new FitOptions { Epochs = 200, BatchSize = 32, Optimizer = OptimizerKind.Sgd, LearningRate = 0.1 });
        Assert.True(result.History[^1].TrainLoss < 1e-6, $"final loss {result.History[^1].TrainLoss}");
        var w = net.DenseLayers.Single();
        Assert.Equal(2, w.Weights.Value[0, 0], 1e-3);
        Assert.Equal(-1, w.Weights.Value[1, 0], 1e-3);
        Assert.Equal(0.5, w.Bias.Value[0, 0], 1e-3);
    }

    [Fact]
    public void ThePackageReadmeExample_LearnsXor()
    {
        // As in src/Backprop/README.md.
        float[,] x = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } };
        int[] labels = { 0, 1, 1, 0 };
        var net = NetworkSpec.Mlp([2, 8, 2], ActivationKind.Tanh, LossKind.CrossEntropy, seed: 1).Build<float>();
        net.Fit(x, labels, new FitOptions { Epochs = 300, BatchSize = 4, LearningRate = 0.05 });
        Assert.Equal(labels, net.PredictClasses(x));
        var p = net.PredictProba(x);
        for (int r = 0; r < 4; r++) Assert.True(p[r, labels[r]] > 0.5);
    }

    [Fact]
    public void Fit_OnADoubleNetwork_TakesDoubleArrays_AndTrainsAsOnTheDataset()
    {
        var data = Synthetic.Circles(120, seed: 5);
        var options = new FitOptions { Epochs = 3, BatchSize = 16, Seed = 2, ValidationSplit = 0.25 };
        NetworkSpec Spec() => NetworkSpec.Mlp([2, 8, 2], ActivationKind.Tanh, LossKind.CrossEntropy, seed: 4);

        var fromArrays = Spec().Build<double>();
        var result = fromArrays.Fit(ApiData.ToDouble(ApiData.Features(data)), data.Labels!, options);
        var fromDataset = Spec().Build<double>();
        var reference = fromDataset.Fit(data, options);

        Assert.Equal(ApiData.Values(fromDataset), ApiData.Values(fromArrays));
        Assert.Equal(reference.History.Select(r => r.TrainLoss), result.History.Select(r => r.TrainLoss));
    }

    [Fact]
    public void BadArguments_GiveTheSameErrors_InBothPrecisions()
    {
        var single = Classifier();
        var dbl = NetworkSpec.Mlp([2, 16, 16, 2], ActivationKind.Tanh, LossKind.CrossEntropy, seed: 1).Build<double>();
        var x = ApiData.Random(10, 2, seed: 1);
        var wide = ApiData.Random(10, 3, seed: 1);
        var labels = new int[10];
        labels[4] = 2;
        (Action Single, Action Double)[] cases =
        [
            (() => single.Fit(wide, new int[10]), () => dbl.Fit(ApiData.ToDouble(wide), new int[10])),
            (() => single.Fit(x, new int[9]), () => dbl.Fit(ApiData.ToDouble(x), new int[9])),
            (() => single.Fit(x, labels), () => dbl.Fit(ApiData.ToDouble(x), labels)),
            (() => single.Fit(x, new float[10, 3]), () => dbl.Fit(ApiData.ToDouble(x), new double[10, 3])),
            (() => single.Fit(new float[0, 2], Array.Empty<int>()), () => dbl.Fit(new double[0, 2], Array.Empty<int>())),
        ];
        foreach (var (f, d) in cases)
        {
            var expected = Assert.Throws<ArgumentException>(f);
            var actual = Assert.Throws<ArgumentException>(d);
            Assert.Equal(expected.Message, actual.Message);
            Assert.Equal(expected.ParamName, actual.ParamName);
        }
    }

    [Fact]
    public void Callback_IsCalledOncePerEpoch_InOrder()
    {
        var data = Synthetic.Circles(100, seed: 1);
        var seen = new List<int>();
        Classifier().Fit(ApiData.Features(data), data.Labels!, new FitOptions { Epochs = 4, EpochCompleted = r => seen.Add(r.Epoch) });
        Assert.Equal([1, 2, 3, 4], seen);
    }

    [Fact]
    public void EarlyStopping_StopsAfterPatienceEpochsWithoutProgress_AndKeepsTheBestWeights()
    {
        // Targets that are noise: the validation loss can only get worse once the network starts to memorize.
        var x = ApiData.Random(60, 3, seed: 1);
        var t = ApiData.Random(60, 1, seed: 2);
        var net = NetworkSpec.Mlp([3, 64, 64, 1], ActivationKind.Tanh, LossKind.Mse, seed: 1).Build<float>();
        var snapshots = new List<float[]>();
        var result = net.Fit(x, t, new FitOptions
        {
            Epochs = 500,
            BatchSize = 8,
            LearningRate = 0.01,
            ValidationSplit = 0.3,
            Patience = 3,
            EpochCompleted = _ => snapshots.Add(ApiData.Bits(net)),
        });
        Assert.True(result.StoppedEarly);
        Assert.Equal(result.BestEpoch + 3, result.History.Count);
        double best = result.History[result.BestEpoch - 1].Test!.Loss;
        Assert.Equal(best, result.History.Min(r => r.Test!.Loss));
        Assert.All(result.History.Skip(result.BestEpoch), r => Assert.True(r.Test!.Loss >= best));
        Assert.Equal(snapshots[result.BestEpoch - 1], ApiData.Bits(net));
    }

    [Fact]
    public void Cancellation_StopsTraining_AndThrowsOperationCanceled()
    {
        var data = Synthetic.Circles(100, seed: 1);
        using var cts = new CancellationTokenSource();
        int epochs = 0;
        var options = new FitOptions { Epochs = 50, EpochCompleted = _ => { if (++epochs == 2) cts.Cancel(); } };
        Assert.ThrowsAny<OperationCanceledException>(() => Classifier().Fit(ApiData.Features(data), data.Labels!, options, cts.Token));
        Assert.Equal(2, epochs);

        // Already cancelled: nothing is trained.
        var net = Classifier();
        var before = ApiData.Bits(net);
        Assert.ThrowsAny<OperationCanceledException>(() => net.Fit(ApiData.Features(data), data.Labels!, null, cts.Token));
        Assert.Equal(before, ApiData.Bits(net));
    }

    [Fact]
    public void BadArguments_AreRefusedBeforeTraining()
    {
        var net = Classifier();
        var x = ApiData.Random(10, 2, seed: 1);
        Assert.Throws<ArgumentException>(() => net.Fit(ApiData.Random(10, 3, seed: 1), new int[10]));
        Assert.Throws<ArgumentException>(() => net.Fit(x, new int[9]));
        var labels = new int[10];
        labels[4] = 2;
        Assert.Contains("labels[4] is 2", Assert.Throws<ArgumentException>(() => net.Fit(x, labels)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.Fit(x, new int[10], new FitOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentException>(() => net.Fit(x, new int[10], new FitOptions { Patience = 2 }));
        Assert.Throws<ArgumentException>(() => net.Fit(x, new float[10, 3]));
    }
}
