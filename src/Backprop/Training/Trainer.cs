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
    /// <summary>Training examples per second of the epoch.</summary>
    public double SamplesPerSecond => Samples / Math.Max(Seconds, 1e-9);
}

/// <summary>Loss and accuracy over a data set; for classification, also the confusion matrix [actual, predicted].</summary>
public sealed record Evaluation(double Loss, double Accuracy, int[,]? Confusion);

/// <summary>
/// Mini-batch training: each epoch shuffles the examples with a seeded generator, and for each batch
/// runs forward, loss, backward and one optimizer step. Buffers are reused from batch to batch.
/// </summary>
/// <remarks>Not thread-safe: while it trains, no other thread may use its network.</remarks>
public sealed partial class Trainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Random _rng;
    private readonly int _shuffleSeed;
    private readonly Matrix<T> _x = new(0, 0), _t = new(0, 0);
    private readonly List<Layers.Parameter<T>> _parameters;
    private int _epoch;

    // The epoch in progress: its order, the batches done, and its running sums.
    private bool _inEpoch;
    private int[]? _order;
    private int _batchesDone;
    // Examples per shuffle (-1 once epochs differed: no replay possible); a restore replays the shuffles lazily.
    private int _shuffledCount;
    private bool _replayPending;
    private double _lossSum, _seconds;
    private long _correct;


    /// <summary>A trainer of <paramref name="network"/>.</summary>
    /// <param name="network">The network to train.</param>
    /// <param name="optimizer">Updates the weights after each batch.</param>
    /// <param name="batchSize">Examples per batch.</param>
    /// <param name="seed">The run's seed; the batch order is drawn from it.</param>
    public Trainer(Network<T> network, Optimizer<T> optimizer, int batchSize, int seed)
    {
        if (batchSize < 1) throw new BackpropException("batch size", $"batch size must be at least 1, got {batchSize}");
        Network = network;
        Optimizer = optimizer;
        BatchSize = batchSize;
        _shuffleSeed = ShuffleSeed(seed);
        _rng = new Random(_shuffleSeed);
        _parameters = [.. network.Parameters];
    }

    /// <summary>
    /// The seed of the shuffling stream, derived from the run's seed so that it differs from the stream the
    /// weights were drawn from with the same seed (one Random(seed) for both would make the data order a
    /// function of the initial weights).
    /// </summary>
    /// <param name="seed">The run's seed.</param>
    public static int ShuffleSeed(int seed) => seed ^ 0x5bd1e995;

    /// <summary>The network trained.</summary>
    public Network<T> Network { get; }
    /// <summary>The optimizer.</summary>
    public Optimizer<T> Optimizer { get; }
    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Epochs finished so far (an epoch stopped half-way does not count until it is finished).</summary>
    public int EpochsDone => _inEpoch ? _epoch - 1 : _epoch;

    /// <summary>Batches done in the epoch in progress (0 between epochs).</summary>
    public int BatchesDone => _batchesDone;

    /// <summary>Called after each batch with (batches done, batches in the epoch, examples done).</summary>
    public Action<int, int, long>? BatchCompleted { get; set; }

    /// <summary>One pass over <paramref name="train"/> in a new seeded order (or the rest of the epoch in progress), then an evaluation of <paramref name="test"/>.</summary>
    /// <param name="train">The training data.</param>
    /// <param name="test">Data to evaluate after the epoch (its result is the report's Test), or null.</param>
    public EpochReport TrainEpoch(Dataset train, Dataset? test = null) => TrainEpoch(train, test, CancellationToken.None)!;

    /// <summary>
    /// Trains one epoch, or the rest of the epoch in progress (after a stop or a restore). When
    /// <paramref name="stop"/> is signalled it returns null after the batch at hand; the state stays
    /// consistent, so it can be saved, and the next call continues exactly where this one stopped.
    /// </summary>
    /// <param name="train">The training data.</param>
    /// <param name="test">Data to evaluate after the epoch, or null.</param>
    /// <param name="stop">Asks for a stop after the current batch.</param>
    public EpochReport? TrainEpoch(Dataset train, Dataset? test, CancellationToken stop)
    {
        var encoding = Batcher.EncodingFor(train, Network.Loss.Name, Network.Outputs);
        if (_replayPending) ReplayShuffles(train);
        if (!_inEpoch)
        {
            if (stop.IsCancellationRequested) return null;
            _shuffledCount = _epoch == 0 || _shuffledCount == train.Count ? train.Count : -1;
            _inEpoch = true;
            _epoch++;
            _order = [.. Enumerable.Range(0, train.Count)];
            _rng.Shuffle(_order);
            (_batchesDone, _lossSum, _correct, _seconds) = (0, 0, 0, 0);
        }
        else if (_order!.Length != train.Count)
            throw new BackpropException($"epoch {_epoch} was started on {_order.Length} examples but {train.Name} has {train.Count}");
        int[] order = _order;
        int batches = (train.Count + BatchSize - 1) / BatchSize;
        var clock = Stopwatch.StartNew();
        for (int b = _batchesDone; b < batches; b++)
        {
            var indices = order.AsSpan(b * BatchSize, Math.Min(BatchSize, train.Count - b * BatchSize));
            Batcher.Fill(train, indices, encoding, _x, _t, Network.Outputs);
            double loss = TrainBatch(_x, _t);
            if (!double.IsFinite(loss))
                throw new BackpropException("learning rate", $"epoch {_epoch}, batch {b + 1}: the loss is {loss}; training diverged (try a smaller learning rate)");
            _lossSum += Network.Loss.SumOverRows(loss, indices.Length);
            if (train.IsClassification) _correct += Metrics.CountCorrect(Network.Output!, train, indices, Network.Loss.Name);
            _batchesDone = b + 1;
            BatchCompleted?.Invoke(b + 1, batches, (long)b * BatchSize + indices.Length);
            if (stop.IsCancellationRequested && b + 1 < batches)
            {
                _seconds += clock.Elapsed.TotalSeconds;
                return null;
            }
        }
        double seconds = _seconds + clock.Elapsed.TotalSeconds;
        var testResult = test is null ? null : Evaluate(test);
        var report = new EpochReport(_epoch, _lossSum / train.Count, (double)_correct / train.Count, testResult, seconds, train.Count);
        (_inEpoch, _order, _batchesDone, _lossSum, _correct, _seconds) = (false, null, 0, 0, 0, 0);
        return report;
    }

    /// <summary>Loss, accuracy and confusion matrix over a whole data set, without touching the weights.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    public Evaluation Evaluate(Dataset data, int batchSize = 1000) => Evaluate(Network, data, batchSize);

    /// <summary>Loss, accuracy and confusion matrix of <paramref name="network"/> over a whole data set.</summary>
    /// <param name="network">The network (its training buffers are used).</param>
    /// <param name="data">The data set.</param>
    /// <param name="batchSize">Examples per forward pass.</param>
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
