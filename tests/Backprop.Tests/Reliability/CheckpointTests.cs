using System.Numerics;
using Backprop.Data;
using Backprop.IO;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Tests.Cli;
using Backprop.Training;

namespace Backprop.Tests.Reliability;

/// <summary>
/// Trainer.SaveState / RestoreState and the checkpoint file: a run stopped anywhere and restored into a
/// fresh trainer ends with exactly the weights of a run that was never stopped.
/// </summary>
public class CheckpointTests
{
    private static readonly Dataset Data = Synthetic.Create("circles").Take(90);

    private static Trainer<T> NewTrainer<T>(string optimizer, StorageFormat storage = StorageFormat.Float32) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var network = NetworkSpec.Mlp([2, 8, 2], "tanh", "cross_entropy", seed: 3).Build<T>();
        var opt = Optimizer<T>.Create(optimizer, optimizer == "adam" ? 0.01 : 0.1, momentum: optimizer == "sgd" ? 0.5 : 0, weightDecay: 1e-3);
        if (storage != StorageFormat.Float32) opt = MixedPrecision.Enable(network, opt, storage, "dynamic");
        return new Trainer<T>(network, opt, batchSize: 16, seed: 7);
    }

    private static T[][] Weights<T>(Trainer<T> trainer) where T : unmanaged, IFloatingPointIeee754<T> =>
        [.. trainer.Network.Parameters.Select(p => p.Value.Span.ToArray())];

    [Theory]
    [InlineData("momentum", false, StorageFormat.Float32)]
    [InlineData("adam", false, StorageFormat.Float32)]
    [InlineData("sgd", true, StorageFormat.Float32)]
    [InlineData("adam", true, StorageFormat.Float32)]
    [InlineData("adam", false, StorageFormat.Float16)]
    public void StopAnywhere_RestoreIntoAFreshTrainer_GivesTheSameBits(string optimizer, bool f64, StorageFormat storage)
    {
        if (f64) Check<double>(optimizer, storage);
        else Check<float>(optimizer, storage);
    }

    private static void Check<T>(string optimizer, StorageFormat storage) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int epochs = 4;
        var reference = NewTrainer<T>(optimizer, storage);
        var reports = Enumerable.Range(0, epochs).Select(_ => reference.TrainEpoch(Data)).ToList();

        // Stop after every 5th batch (mid-epoch and at epoch ends), save, and continue in a new trainer.
        var trainer = NewTrainer<T>(optimizer, storage);
        var stop = new CancellationTokenSource();
        int batches = 0, restores = 0;
        var resumedReports = new List<EpochReport>();
        while (resumedReports.Count < epochs)
        {
            trainer.BatchCompleted = (_, _, _) => { if (++batches % 5 == 0) stop.Cancel(); };
            if (trainer.TrainEpoch(Data, null, stop.Token) is { } report) resumedReports.Add(report);
            byte[] state = trainer.SaveState();
            var file = new Checkpoint(new Dictionary<string, string> { ["k"] = "v" }, resumedReports, state);
            var read = Checkpoint.FromBytes(file.ToBytes(), "test");
            trainer = NewTrainer<T>(optimizer, storage);
            trainer.RestoreState(read.TrainerState);
            Assert.Equal(resumedReports.Count, trainer.EpochsDone);
            stop = new CancellationTokenSource();
            restores++;
        }
        Assert.True(restores > epochs, $"only {restores} restores");
        var expected = Weights(reference);
        var actual = Weights(trainer);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i]);
        // The epoch figures come out the same too (the running sums are part of the state).
        Assert.Equal(reports.Select(r => r.TrainLoss), resumedReports.Select(r => r.TrainLoss));
        Assert.Equal(reports.Select(r => r.TrainAccuracy), resumedReports.Select(r => r.TrainAccuracy));
    }

    [Fact]
    public void ShufflingSequence_IsTheOneTodaysSeedsGive_AcrossARestore()
    {
        // Epoch e's order is the e-th Shuffle of 0..n-1 by Random(ShuffleSeed(seed)), as before checkpoints existed;
        // a restore in the middle of epoch 2 must continue that same sequence.
        const int n = 10;
        var data = new Dataset("ids", [.. Enumerable.Range(0, n).Select(i => (float)i)], 1, [.. Enumerable.Range(0, n).Select(i => i % 2)], 2);
        Trainer<double> NewIdTrainer()
        {
            // Output column 0 = the input: each batch of one shows which example it was. Learning rate 0 keeps it so.
            var network = new NetworkSpec([new LayerSpec("dense") { Weights = [[1.0, 0.0]], Bias = [0.0, 0.0] }], "cross_entropy").Build<double>();
            return new Trainer<double>(network, new Sgd<double>(0), batchSize: 1, seed: 5);
        }
        var rng = new Random(Trainer<double>.ShuffleSeed(5));
        var expected = new List<int>();
        for (int e = 0; e < 2; e++)
        {
            int[] order = [.. Enumerable.Range(0, n)];
            rng.Shuffle(order);
            expected.AddRange(order);
        }

        var seen = new List<int>();
        var trainer = NewIdTrainer();
        void Watch(Trainer<double> t, CancellationTokenSource? stopAfter4 = null) => t.BatchCompleted = (b, _, _) =>
        {
            seen.Add((int)t.Network.Output![0, 0]);
            if (b == 4) stopAfter4?.Cancel();
        };
        Watch(trainer);
        trainer.TrainEpoch(data);
        var stop = new CancellationTokenSource();
        Watch(trainer, stop);
        Assert.Null(trainer.TrainEpoch(data, null, stop.Token));
        var restored = NewIdTrainer();
        restored.RestoreState(trainer.SaveState());
        Watch(restored);
        Assert.NotNull(restored.TrainEpoch(data));
        Assert.Equal(expected, seen);
    }

    [Fact]
    public void RestoreIntoAnotherNetworkOrOptimizer_IsRefusedInOneLine()
    {
        var trainer = NewTrainer<float>("adam");
        trainer.TrainEpoch(Data);
        byte[] state = trainer.SaveState();

        var wider = new Trainer<float>(NetworkSpec.Mlp([2, 9, 2], "tanh", "cross_entropy", seed: 3).Build<float>(), new Adam<float>(0.01), 16, 7);
        Assert.Contains("is 2×8 in the checkpoint but 2×9 in this network", Assert.Throws<BackpropException>(() => wider.RestoreState(state)).Message);
        Assert.Contains("the checkpoint's optimizer is adam, this one is sgd", Assert.Throws<BackpropException>(() => NewTrainer<float>("sgd").RestoreState(state)).Message);
        Assert.Contains("float32 weights, this trainer float64", Assert.Throws<BackpropException>(() => NewTrainer<double>("adam").RestoreState(state)).Message);
        var otherBatch = new Trainer<float>(NetworkSpec.Mlp([2, 8, 2], "tanh", "cross_entropy", seed: 3).Build<float>(), new Adam<float>(0.01), 8, 7);
        Assert.Contains("batch size 16, this trainer has 8", Assert.Throws<BackpropException>(() => otherBatch.RestoreState(state)).Message);

        // A refused restore changes nothing.
        var fresh = NewTrainer<float>("momentum");
        var before = Weights(fresh);
        Assert.Throws<BackpropException>(() => fresh.RestoreState(state));
        Assert.Equal(before.SelectMany(w => w), Weights(fresh).SelectMany(w => w));
    }

    [Fact]
    public void RestoredStateOnOtherData_IsRefused()
    {
        var trainer = NewTrainer<float>("adam");
        trainer.TrainEpoch(Data);
        var restored = NewTrainer<float>("adam");
        restored.RestoreState(trainer.SaveState());
        var e = Assert.Throws<BackpropException>(() => restored.TrainEpoch(Data.Take(50)));
        Assert.Contains("made on 90 training examples", e.Message);
    }

    [Fact]
    public void DamagedCheckpointFiles_AreRefusedInOneLine_AndLeftAsTheyAre()
    {
        var trainer = NewTrainer<double>("adam");
        trainer.TrainEpoch(Data);
        using var dir = new TempDir();
        string path = dir["c.ckpt"];
        new Checkpoint(new Dictionary<string, string>(), [], trainer.SaveState()).Save(path);
        byte[] good = File.ReadAllBytes(path);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));

        var cases = new (byte[] Bytes, string Expected)[]
        {
            (good[..(good.Length / 2)], "truncated checkpoint"),
            (good[..10], "not a backprop checkpoint"),
            ([.. good[..40], (byte)(good[40] ^ 1), .. good[41..]], "checksum mismatch"),
            ([.. good, 0], "corrupt checkpoint"),
            ("backprop.checkpoint/9\n"u8.ToArray(), "is not supported"),
            ([0x1f, 0x8b, 0, 10, 13], "not a backprop checkpoint"),
        };
        foreach (var (bytes, expected) in cases)
        {
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<BackpropException>(() => Checkpoint.Load(path));
            Assert.Contains(expected, e.Message);
            Assert.DoesNotContain('\n', e.Message);
            Assert.Equal(bytes, File.ReadAllBytes(path));
        }
    }
}
