using System.Security.Cryptography;
using System.Text;
using Backprop.Training;

namespace Backprop.IO;

/// <summary>
/// A training checkpoint: the settings the run was started with, the epochs finished so far, and the
/// trainer's state (<see cref="Trainer{T}.SaveState"/>). On disk: the format tag, the payload's length,
/// the payload, and its SHA-256, so that a truncated or damaged file is refused rather than half-read.
/// </summary>
public sealed record Checkpoint(IReadOnlyDictionary<string, string> Settings, IReadOnlyList<EpochReport> History, byte[] TrainerState)
{
    /// <summary>The tag a checkpoint file starts with (followed by a newline).</summary>
    public const string Format = "backprop.checkpoint/1";

    private static readonly byte[] Tag = Encoding.ASCII.GetBytes(Format + "\n");
    private const int HashLength = 32;

    /// <summary>The file's bytes: tag, payload length, payload, checksum.</summary>
    public byte[] ToBytes()
    {
        var payload = new StateWriter();
        payload.Write(Settings.Count);
        foreach (var (key, value) in Settings.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            payload.Write(key);
            payload.Write(value);
        }
        payload.Write(History.Count);
        foreach (var e in History) WriteReport(payload, e);
        payload.Write(TrainerState.Length);
        payload.Write(TrainerState);
        byte[] body = payload.ToArray();

        var file = new StateWriter();
        file.Write(Tag);
        file.Write((long)body.Length);
        file.Write(body);
        file.Write(SHA256.HashData(body));
        return file.ToArray();
    }

    /// <summary>Reads a checkpoint's bytes; <paramref name="source"/> names it in errors. Only <see cref="BackpropException"/> escapes.</summary>
    public static Checkpoint FromBytes(ReadOnlyMemory<byte> bytes, string source)
    {
        var span = bytes.Span;
        if (!span.StartsWith(Tag))
        {
            if (span.StartsWith("backprop.checkpoint/"u8))
                throw new BackpropException($"{source}: checkpoint format {Excerpt.Of(span[..Math.Min(span.Length, 40)].ToArray())} is not supported (expected {Format})");
            throw new BackpropException($"{source}: not a backprop checkpoint (it does not start with {Format})");
        }
        int header = Tag.Length + 8;
        if (span.Length < header + HashLength) throw new BackpropException($"{source}: truncated checkpoint ({span.Length} bytes)");
        long length = BitConverter.ToInt64(span.Slice(Tag.Length, 8));
        if (length < 0 || length != span.Length - header - HashLength)
            throw new BackpropException(length >= 0 && length > span.Length - header - HashLength
                ? $"{source}: truncated checkpoint ({span.Length} of {header + length + HashLength} bytes)"
                : $"{source}: corrupt checkpoint (its length field says {length} bytes of state, the file holds {span.Length - header - HashLength})");
        var body = bytes.Slice(header, (int)length);
        if (!SHA256.HashData(body.Span).AsSpan().SequenceEqual(span[(header + (int)length)..]))
            throw new BackpropException($"{source}: corrupt checkpoint (checksum mismatch)");

        var r = new StateReader(body, source);
        int settingsCount = r.ReadCount(8);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < settingsCount; i++)
        {
            string key = r.ReadString();
            if (!settings.TryAdd(key, r.ReadString())) throw r.Corrupt($"setting '{key}' appears twice");
        }
        int historyCount = r.ReadCount(37);
        var history = new List<EpochReport>(historyCount);
        for (int i = 0; i < historyCount; i++) history.Add(ReadReport(r));
        byte[] state = r.ReadArray<byte>();
        if (r.Remaining != 0) throw r.Corrupt($"{r.Remaining} bytes after the end");
        return new Checkpoint(settings, history, state);
    }

    /// <summary>Writes the checkpoint atomically (temporary file, flush to disk, rename, directory flushed).</summary>
    public void Save(string path)
    {
        byte[] bytes = ToBytes();
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Reads and verifies a checkpoint file; a bad one is refused in one line and left as it is.</summary>
    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path)) throw new BackpropException($"{path}: file not found");
        return FromBytes(File.ReadAllBytes(path), path);
    }

    private static void WriteReport(StateWriter w, EpochReport e)
    {
        w.Write(e.Epoch);
        w.Write(e.TrainLoss);
        w.Write(e.TrainAccuracy);
        w.Write(e.Seconds);
        w.Write(e.Samples);
        w.Write(e.Test is not null);
        if (e.Test is not { } test) return;
        w.Write(test.Loss);
        w.Write(test.Accuracy);
        var c = test.Confusion;
        int k = c?.GetLength(0) ?? -1;
        w.Write(k);
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) w.Write(c![i, j]);
    }

    private static EpochReport ReadReport(StateReader r)
    {
        int epoch = r.ReadInt32();
        double trainLoss = r.ReadDouble(), trainAccuracy = r.ReadDouble(), seconds = r.ReadDouble();
        long samples = r.ReadInt64();
        Evaluation? test = null;
        if (r.ReadBool())
        {
            double loss = r.ReadDouble(), accuracy = r.ReadDouble();
            int k = r.ReadInt32();
            // k·k fits a long; k·k·4 could overflow it and pass.
            if (k < -1 || (k > 0 && (long)k * k > r.Remaining / 4)) throw r.Corrupt($"a confusion matrix of {k}×{k} does not fit in the {r.Remaining} bytes left");
            int[,]? confusion = k < 0 ? null : new int[k, k];
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++) confusion![i, j] = r.ReadInt32();
            test = new Evaluation(loss, accuracy, confusion);
        }
        return new EpochReport(epoch, trainLoss, trainAccuracy, test, seconds, samples);
    }
}
