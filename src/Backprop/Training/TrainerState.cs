using System.Runtime.CompilerServices;
using Backprop.Data;

namespace Backprop.Training;

/// <summary>The trainer's state as bytes, for checkpoints: saved and restored bit for bit.</summary>
public sealed partial class Trainer<T>
{
    /// <summary>
    /// Everything needed to continue bit for bit: the weights, the optimizer's state, the shuffling
    /// position and the epoch in progress. The shuffling stream is saved as its seed and the number of
    /// shuffles drawn from it, and replayed on restore: System.Random exposes no state, and the replay
    /// keeps the sequence today's seeds produce.
    /// </summary>
    public byte[] SaveState()
    {
        if (_shuffledCount < 0) throw new BackpropException("cannot save the training state: its epochs were shuffled over different numbers of examples");
        var w = new StateWriter();
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
        var r = new StateReader(state, source);
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
}
