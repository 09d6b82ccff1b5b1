using System.Diagnostics;
using System.Numerics;
using Backprop.Data;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// What one epoch did. Train figures are running averages over the epoch's batches (the weights change
/// as the epoch goes). Losses are per example: for sse and half_sse, the batch sums divided by the count.
/// </summary>
public sealed record EpochReport(int Epoch, double TrainLoss, double TrainAccuracy, Evaluation? Test, double Seconds, long Samples)
{
    public double SamplesPerSecond => Samples / Math.Max(Seconds, 1e-9);
}

/// <summary>Loss and accuracy over a data set; for classification, also the confusion matrix [actual, predicted].</summary>
public sealed record Evaluation(double Loss, double Accuracy, int[,]? Confusion);

/// <summary>
/// Mini-batch training: each epoch shuffles the examples with a seeded generator, and for each batch
/// runs forward, loss, backward and one optimizer step. Buffers are reused from batch to batch.
/// </summary>
public sealed class Trainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Random _rng;
    private readonly Matrix<T> _x = new(0, 0), _t = new(0, 0);
    private readonly List<Layers.Parameter<T>> _parameters;
    private int _epoch;

    public Trainer(Network<T> network, Optimizer<T> optimizer, int batchSize, int seed)
    {
        if (batchSize < 1) throw new BackpropException("batch size", $"batch size must be at least 1, got {batchSize}");
        Network = network;
        Optimizer = optimizer;
        BatchSize = batchSize;
        _rng = new Random(ShuffleSeed(seed));
        _parameters = [.. network.Parameters];
    }

    /// <summary>
    /// The seed of the shuffling stream, derived from the run's seed so that it differs from the stream the
    /// weights were drawn from with the same seed (one Random(seed) for both would make the data order a
    /// function of the initial weights).
    /// </summary>
    public static int ShuffleSeed(int seed) => seed ^ 0x5bd1e995;

    public Network<T> Network { get; }
    public Optimizer<T> Optimizer { get; }
    public int BatchSize { get; }

    /// <summary>Called after each batch with (batches done, batches in the epoch, examples done).</summary>
    public Action<int, int, long>? BatchCompleted { get; set; }

    public EpochReport TrainEpoch(Dataset train, Dataset? test = null)
    {
        _epoch++;
        var encoding = Batcher.EncodingFor(train, Network.Loss.Name, Network.Outputs);
        int[] order = [.. Enumerable.Range(0, train.Count)];
        _rng.Shuffle(order);
        int batches = (train.Count + BatchSize - 1) / BatchSize;
        double lossSum = 0;
        long correct = 0;
        var clock = Stopwatch.StartNew();
        for (int b = 0; b < batches; b++)
        {
            var indices = order.AsSpan(b * BatchSize, Math.Min(BatchSize, train.Count - b * BatchSize));
            Batcher.Fill(train, indices, encoding, _x, _t, Network.Outputs);
            double loss = Network.ComputeGradients(_x, _t);
            if (!double.IsFinite(loss))
                throw new BackpropException("learning rate", $"epoch {_epoch}, batch {b + 1}: the loss is {loss}; training diverged (try a smaller learning rate)");
            Optimizer.Step(_parameters);
            lossSum += Network.Loss.SumOverRows(loss, indices.Length);
            if (train.IsClassification) correct += Metrics.CountCorrect(Network.Output!, train, indices, Network.Loss.Name);
            BatchCompleted?.Invoke(b + 1, batches, (long)b * BatchSize + indices.Length);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var testResult = test is null ? null : Evaluate(test);
        return new EpochReport(_epoch, lossSum / train.Count, (double)correct / train.Count, testResult, seconds, train.Count);
    }

    /// <summary>Loss, accuracy and confusion matrix over a whole data set, without touching the weights.</summary>
    public Evaluation Evaluate(Dataset data, int batchSize = 1000) => Evaluate(Network, data, batchSize);

    public static Evaluation Evaluate(Network<T> network, Dataset data, int batchSize = 1000)
    {
        var encoding = Batcher.EncodingFor(data, network.Loss.Name, network.Outputs);
        Matrix<T> x = new(0, 0), t = new(0, 0);
        int[,]? confusion = data.IsClassification ? new int[data.Classes, data.Classes] : null;
        int[] all = [.. Enumerable.Range(0, data.Count)];
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            var indices = all.AsSpan(start, Math.Min(batchSize, data.Count - start));
            Batcher.Fill(data, indices, encoding, x, t, network.Outputs);
            lossSum += network.Loss.SumOverRows(network.Evaluate(x, t), indices.Length);
            if (confusion is null) continue;
            for (int r = 0; r < indices.Length; r++)
            {
                int predicted = Metrics.Predict(network.Output!, r, network.Loss.Name);
                int actual = data.Labels![indices[r]];
                confusion[actual, predicted]++;
                if (predicted == actual) correct++;
            }
        }
        return new Evaluation(lossSum / data.Count, confusion is null ? double.NaN : (double)correct / data.Count, confusion);
    }
}
