using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
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

    public Trainer(Network<T> network, Optimizer<T> optimizer, int batchSize, int seed)
    {
        if (batchSize < 1) throw new BackpropException($"--batch must be at least 1, got {batchSize}");
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
    public static int ShuffleSeed(int seed) => seed ^ 0x5bd1e995;

    public Network<T> Network { get; }
    public Optimizer<T> Optimizer { get; }
    public int BatchSize { get; }

    /// <summary>Epochs finished so far (an epoch stopped half-way does not count until it is finished).</summary>
    public int EpochsDone => _inEpoch ? _epoch - 1 : _epoch;

    /// <summary>Batches done in the epoch in progress (0 between epochs).</summary>
    public int BatchesDone => _batchesDone;

    /// <summary>Called after each batch with (batches done, batches in the epoch, examples done).</summary>
    public Action<int, int, long>? BatchCompleted { get; set; }

    public EpochReport TrainEpoch(Dataset train, Dataset? test = null) => TrainEpoch(train, test, CancellationToken.None)!;

    /// <summary>
    /// Trains one epoch, or the rest of the epoch in progress (after a stop or a restore). When
    /// <paramref name="stop"/> is signalled it returns null after the batch at hand; the state stays
    /// consistent, so it can be saved, and the next call continues exactly where this one stopped.
    /// </summary>
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
            double loss = Network.ComputeGradients(_x, _t);
            if (!double.IsFinite(loss))
                throw new BackpropException($"epoch {_epoch}, batch {b + 1}: the loss is {loss}; training diverged (try a smaller --lr)");
            Optimizer.Step(_parameters);
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

    /// <summary>
    /// Everything needed to continue bit for bit: the weights, the optimizer's state, the shuffling
    /// position and the epoch in progress. The shuffling stream is saved as its seed and the number of
    /// shuffles drawn from it, and replayed on restore: System.Random exposes no state, and the replay
    /// keeps the sequence today's seeds produce.
    /// </summary>
    public byte[] SaveState()
    {
        if (_shuffledCount < 0) throw new BackpropException("cannot save the training state: its epochs were shuffled over different numbers of examples");
        var w = new IO.StateWriter();
        w.Write("trainer");
        w.Write(Unsafe.SizeOf<T>());
        w.Write(BatchSize);
        w.Write(_shuffleSeed);
        w.Write(_epoch);
        w.Write(_shuffledCount);
        w.Write(_inEpoch);
        w.Write(_batchesDone);
        w.Write(_lossSum);
        w.Write(_correct);
        w.Write(_seconds);
        w.Write(_parameters.Count);
        foreach (var p in _parameters)
        {
            w.Write(p.Value.Rows);
            w.Write(p.Value.Cols);
            w.WriteArray<T>(p.Value.Span);
        }
        Optimizer.WriteState(w);
        return w.ToArray();
    }

    /// <summary>
    /// Restores what <see cref="SaveState"/> wrote into this trainer, whose network and optimizer must be
    /// set up as the saved ones were (same shapes, same optimizer and settings); a difference is refused
    /// in one line, and nothing is changed unless the whole state reads back.
    /// </summary>
    public void RestoreState(ReadOnlyMemory<byte> state, string source = "checkpoint")
    {
        var r = new IO.StateReader(state, source);
        if (r.ReadString() != "trainer") throw r.Corrupt("no trainer state");
        int size = r.ReadInt32();
        if (size != Unsafe.SizeOf<T>()) throw new BackpropException($"{source}: the checkpoint holds {Bits(size)} weights, this trainer {Bits(Unsafe.SizeOf<T>())}");
        int batchSize = r.ReadInt32();
        if (batchSize != BatchSize) throw new BackpropException($"{source}: the checkpoint was made with batch size {batchSize}, this trainer has {BatchSize}");
        int shuffleSeed = r.ReadInt32();
        if (shuffleSeed != _shuffleSeed) throw new BackpropException($"{source}: the checkpoint was made with another seed");
        int epoch = r.ReadInt32(), shuffled = r.ReadInt32();
        bool inEpoch = r.ReadBool();
        int batchesDone = r.ReadInt32();
        double lossSum = r.ReadDouble();
        long correct = r.ReadInt64();
        double seconds = r.ReadDouble();
        if (epoch < 0 || shuffled < 0 || (epoch > 0) != (shuffled > 0) || (inEpoch && epoch == 0) || batchesDone < 0 || correct < 0
            || (long)batchesDone * batchSize >= shuffled + (long)batchSize || !double.IsFinite(lossSum) || !double.IsFinite(seconds))
            throw r.Corrupt("the position in the data is out of range");
        if (!inEpoch && (batchesDone != 0 || lossSum != 0 || correct != 0 || seconds != 0))
            throw r.Corrupt("running sums between epochs");
        int count = r.ReadInt32();
        if (count != _parameters.Count) throw new BackpropException($"{source}: the checkpoint's network has {count} parameter matrices, this one {_parameters.Count}");
        var values = new T[count][];
        for (int i = 0; i < count; i++)
        {
            var p = _parameters[i].Value;
            int rows = r.ReadInt32(), cols = r.ReadInt32();
            if (rows != p.Rows || cols != p.Cols)
                throw new BackpropException($"{source}: parameter {_parameters[i].Name} is {rows}×{cols} in the checkpoint but {p.Rows}×{p.Cols} in this network");
            values[i] = new T[p.Length];
            r.ReadArrayInto<T>(values[i], _parameters[i].Name);
        }
        Optimizer.ReadState(r, _parameters);
        if (r.Remaining != 0) throw r.Corrupt($"{r.Remaining} bytes after the end of the state");

        for (int i = 0; i < count; i++) values[i].CopyTo(_parameters[i].Value.Span);
        (_epoch, _shuffledCount, _inEpoch, _order, _batchesDone, _lossSum, _correct, _seconds, _replayPending, _source) =
            (epoch, shuffled, inEpoch, null, inEpoch ? batchesDone : 0, lossSum, correct, seconds, true, source);
    }

    private string _source = "checkpoint";

    /// <summary>
    /// Brings the shuffling stream to where the saved run left it by drawing the same shuffles again;
    /// done with the data at hand, so a count in the file never sizes an allocation by itself.
    /// </summary>
    private void ReplayShuffles(Dataset train)
    {
        if (_epoch > 0 && train.Count != _shuffledCount)
            throw new BackpropException($"{_source}: the checkpoint was made on {_shuffledCount} training examples, {train.Name} has {train.Count}");
        _rng = new Random(_shuffleSeed);
        int[] order = [.. Enumerable.Range(0, train.Count)];
        for (int e = 0; e < _epoch; e++)
        {
            for (int i = 0; i < order.Length; i++) order[i] = i;
            _rng.Shuffle(order);
        }
        _order = _inEpoch ? order : null;
        _replayPending = false;
    }

    private static string Bits(int size) => size switch { 4 => "float32", 8 => "float64", _ => $"{size}-byte" };

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
