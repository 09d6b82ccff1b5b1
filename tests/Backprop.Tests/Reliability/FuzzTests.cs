using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Backprop.Data;
using Backprop.IO;
using Backprop.Model;
using Backprop.Training;
using Xunit.Abstractions;

namespace Backprop.Tests.Reliability;

/// <summary>
/// The CI part of fuzzing every reader of outside bytes: network JSON, CSV, IDX (plain and gzipped) and
/// checkpoints (the file as it is, and its content under a valid checksum, so the mutations reach the
/// state reader). The long run is the same tests with BACKPROP_FUZZ_ITERATIONS=100000 (docs/reliability.md).
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private static byte[][] Tokens(params string[] tokens) => [.. tokens.Select(Encoding.UTF8.GetBytes)];

    private void Report(Fuzzer.Figures figures)
    {
        output.WriteLine(figures.ToString());
        Assert.True(figures.Accepted > 0 && figures.Refused > 0, $"the fuzzer should reach both outcomes: {figures}");
    }

    /// <summary>A network read from bytes, then built when the sizes it asks for are small (sizes with init are a request, like --layers).</summary>
    internal static void ReadNetwork(byte[] bytes)
    {
        var spec = NetworkJson.Parse(Encoding.UTF8.GetString(bytes), "fuzz.json");
        long asked = spec.Layers.Sum(l => (long)Math.Max(l.Inputs ?? 0, 0) * Math.Max(l.Outputs ?? 0, 0));
        if (asked <= 1_000_000) spec.Build<float>();
    }

    internal static void ReadCsv(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes));
        CsvDataset.FromRows(Csv.Parse(reader, "fuzz.csv"), "fuzz.csv");
    }

    internal static void ReadIdx(byte[] bytes) => Idx.Read(new MemoryStream(bytes), "fuzz.idx", gzip: false);
    internal static void ReadIdxGz(byte[] bytes) => Idx.Read(new MemoryStream(bytes), "fuzz.idx.gz", gzip: true);

    /// <summary>Trainers shaped as the corpus checkpoints were made (train --data xor --layers 2-3-2 --batch 2).</summary>
    private static Trainer<float>[] SingleTrainers() =>
    [
        new(Xor232<float>(), new Adam<float>(0.01), 2, 1),
        new(Xor232<float>(), Optimizer<float>.Create("momentum", 0.1), 2, 1),
    ];

    private static Network<T> Xor232<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        NetworkSpec.Mlp([2, 3, 2], "relu", "cross_entropy", seed: 1).Build<T>();

    internal static void ReadCheckpoint(byte[] bytes)
    {
        var checkpoint = Checkpoint.FromBytes(bytes, "fuzz.ckpt");
        var mixed = Xor232<float>();
        Trainer<float>[] singles = SingleTrainers();
        var all = new object[] { singles[0], singles[1], new Trainer<float>(mixed, MixedPrecision.Enable(mixed, Optimizer<float>.Create("momentum", 0.1), Backprop.Tensors.StorageFormat.Float16, null), 2, 1), new Trainer<double>(Xor232<double>(), new Sgd<double>(0.1), 2, 1) };
        foreach (var t in all)
        {
            try
            {
                switch (t)
                {
                    case Trainer<float> f: Continue(f, checkpoint); break;
                    case Trainer<double> d: Continue(d, checkpoint); break;
                }
            }
            catch (BackpropException)
            {
                // This trainer is not the one the state fits: the next may be.
            }
        }
    }

    /// <summary>Restores, checks that saving gives the same state back, and trains on (the shuffle replay included).</summary>
    private static void Continue<T>(Trainer<T> trainer, Checkpoint checkpoint) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        trainer.RestoreState(checkpoint.TrainerState, "fuzz.ckpt");
        if (!trainer.SaveState().AsSpan().SequenceEqual(checkpoint.TrainerState)) throw new InvalidOperationException("restore then save changed the state");
        if (trainer.EpochsDone <= checkpoint.History.Count) trainer.TrainEpoch(Synthetic.Xor());
    }

    /// <summary>Gives mutated checkpoint content a valid length and checksum, so it gets past the framing.</summary>
    internal static byte[] Reframe(byte[] bytes)
    {
        byte[] tag = Encoding.ASCII.GetBytes(Checkpoint.Format + "\n");
        int header = tag.Length + 8;
        if (bytes.Length < header) return bytes;
        byte[] body = bytes[header..Math.Max(header, bytes.Length - 32)];
        return [.. tag, .. BitConverter.GetBytes((long)body.Length), .. body, .. SHA256.HashData(body)];
    }

    private static byte[][] CheckpointSeeds()
    {
        // The committed ones, and one stopped in the middle of an epoch.
        var trainer = new Trainer<float>(Xor232<float>(), new Adam<float>(0.01), 2, 1);
        var stop = new CancellationTokenSource();
        trainer.TrainEpoch(Synthetic.Xor());
        trainer.BatchCompleted = (_, _, _) => stop.Cancel();
        trainer.TrainEpoch(Synthetic.Xor(), null, stop.Token);
        var midEpoch = new Checkpoint(new Dictionary<string, string> { ["--data"] = "xor" }, [], trainer.SaveState()).ToBytes();
        return [.. Fuzzer.Corpus("checkpoint"), midEpoch];
    }

    [Fact]
    public void NetworkJsonReader() => Report(Fuzzer.Run("network JSON", Fuzzer.Corpus("network-json"),
        Tokens("\"weights\"", "\"bias\"", "\"inputs\": 99999", "\"outputs\": 0", "1e400", "-1", "null", "[[", "]]", "\"type\": \"dense\"", "\"slope\"", "NaN", "\"init\": \"he\"", "{}", "\"loss\": \"sse\"", "\\u0000", "//"),
        ReadNetwork));

    [Fact]
    public void CsvReader() => Report(Fuzzer.Run("CSV", Fuzzer.Corpus("csv"),
        Tokens("NaN", "1e999", "-0", ",,", "\n\n", "\r\n", "99999", "1.5", "-1", "a,b", "\uFEFF", " ", "1e-400", "100000"),
        ReadCsv));

    [Fact]
    public void IdxFiles() => Report(Fuzzer.Run("IDX", Fuzzer.Corpus("idx"),
        [[0, 0, 8, 3], [0, 0, 8, 1], [0, 0, 8, 255], [0x7f, 0xff, 0xff, 0xff], [0, 0, 0, 0], [0, 1, 0, 0]],
        ReadIdx));

    [Fact]
    public void IdxGzipFiles() => Report(Fuzzer.Run("IDX gzip", Fuzzer.Corpus("idx-gz"),
        [[0x1f, 0x8b, 8, 0], [0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff], [3, 0]],
        ReadIdxGz));

    [Fact]
    public void CheckpointFiles() => Report(Fuzzer.Run("checkpoint file", CheckpointSeeds(),
        Tokens(Checkpoint.Format, "\n", "\0\0\0\0"), ReadCheckpoint));

    [Fact]
    public void CheckpointContent() => Report(Fuzzer.Run("checkpoint content", CheckpointSeeds(),
        [[0, 0, 0, 0], [1], [0xff, 0xff, 0xff, 0x7f], [0, 0, 0, 0x80], .. Tokens("trainer", "adam", "sgd", "loss-scaled")],
        bytes => ReadCheckpoint(Reframe(bytes))));
}
