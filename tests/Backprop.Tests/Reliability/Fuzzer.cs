using System.Diagnostics;
using CsCheck;

namespace Backprop.Tests.Reliability;

/// <summary>
/// Coverage-free mutation fuzzing with CsCheck: each input is a seed from the committed corpus with one to
/// eight mutations (bit flips, interesting bytes and integers, inserted tokens, deleted, duplicated and
/// spliced ranges, truncation). Every input runs under a time limit; only <see cref="BackpropException"/>
/// may escape the reader, and what it allocates must stay in proportion to the input's size.
/// </summary>
internal static class Fuzzer
{
    /// <summary>Executions per reader: a few thousand in CI; BACKPROP_FUZZ_ITERATIONS=100000 for the long run.</summary>
    public static long Iterations => long.TryParse(Environment.GetEnvironmentVariable("BACKPROP_FUZZ_ITERATIONS"), out long n) ? n : 3000;

    /// <summary>No single input may take this long: a hang detector, generous for a loaded machine.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Bytes an input of <paramref name="length"/> bytes may make the reader allocate: a fixed allowance, plus
    /// what parsing text into objects and inflating gzip (at most ~1032:1) can take.
    /// </summary>
    public static long AllocationBudget(int length) => (8L << 20) + 2500L * length;

    private sealed record Mutation(int Kind, int Position, int Length, int Value);

    private static readonly byte[] InterestingBytes = [0, 1, 0x7f, 0x80, 0xff, (byte)'\n', (byte)',', (byte)'"', (byte)'-', (byte)'9', (byte)'[', (byte)']', (byte)'{', (byte)'}', (byte)'.', (byte)'e', 0xc3, 0xef];
    private static readonly int[] InterestingInts = [0, -1, 1, int.MaxValue, int.MinValue, 1 << 16, 1 << 20, 1 << 30, 255, 256, 65535, 0x7ffffff0];

    public static byte[][] Corpus(string reader) =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Reliability", "FuzzCorpus", reader)).Order().Select(File.ReadAllBytes)];

    private static Gen<byte[]> Inputs(byte[][] seeds, byte[][] tokens) =>
        Gen.Select(
            Gen.Int[0, seeds.Length - 1],
            Gen.Select(Gen.Int[0, 10], Gen.Int[0, int.MaxValue], Gen.Int[0, 64], Gen.Int, (k, p, l, v) => new Mutation(k, p, l, v)).Array[1, 8],
            (s, mutations) => mutations.Aggregate(seeds[s], (bytes, m) => Apply(bytes, m, seeds, tokens)));

    private static byte[] Apply(byte[] b, Mutation m, byte[][] seeds, byte[][] tokens)
    {
        int n = b.Length;
        int p = n == 0 ? 0 : m.Position % n;
        int len = Math.Min(m.Length, n - p);
        var r = new List<byte>(b);
        switch (m.Kind)
        {
            case 0 when n > 0: r[p] ^= (byte)(1 << (m.Value & 7)); break;
            case 1 when n > 0: r[p] = (byte)m.Value; break;
            case 2 when n > 0: r[p] = InterestingBytes[(uint)m.Value % InterestingBytes.Length]; break;
            case 3: r.InsertRange(p, new Random(m.Value).GetItems<byte>([.. Enumerable.Range(0, 256).Select(i => (byte)i)], m.Length + 1)); break;
            case 4: r.RemoveRange(p, len); break;
            case 5 when n > 0: r.InsertRange((int)((uint)m.Value % n), b.AsSpan(p, len).ToArray()); break;
            case 6 when n >= 4:
                {
                    int v = InterestingInts[(uint)m.Value % InterestingInts.Length];
                    byte[] le = BitConverter.GetBytes((m.Value & 1) == 0 ? v : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v));
                    for (int i = 0; i < 4 && Math.Min(p, n - 4) + i < n; i++) r[Math.Min(p, n - 4) + i] = le[i];
                    break;
                }
            case 7: r.InsertRange(p, tokens[(uint)m.Value % tokens.Length]); break;
            case 8: r.RemoveRange(p, n - p); break;
            case 9:
                {
                    var other = seeds[(uint)m.Value % seeds.Length];
                    r.RemoveRange(p, n - p);
                    r.AddRange(other.Skip(other.Length == 0 ? 0 : m.Position % other.Length));
                    break;
                }
            case 10 when n > 0: r[p] = (byte)(r[p] + (m.Value % 3) - 1); break;
        }
        return [.. r];
    }

    /// <summary>What a fuzzing run did, for the record in docs/reliability.md.</summary>
    public sealed record Figures(string Reader, long Executions, long Accepted, long Refused, long MaxAllocated, double Seconds)
    {
        public override string ToString() =>
            $"{Reader}: {Executions:N0} executions in {Seconds:F1} s, {Accepted:N0} accepted, {Refused:N0} refused in one line, largest allocation {MaxAllocated / 1024.0:N0} KiB";
    }

    /// <summary>Fuzzes <paramref name="read"/>; a failure names the input (base64) and CsCheck's seed to repeat it.</summary>
    public static Figures Run(string reader, byte[][] seeds, byte[][] tokens, Action<byte[]> read, long? iterations = null)
    {
        long accepted = 0, refused = 0, maxAllocated = 0, executions = 0;
        var clock = Stopwatch.StartNew();
        Inputs(seeds, tokens).Sample(bytes =>
        {
            Interlocked.Increment(ref executions);
            var (ok, allocated) = Execute(reader, bytes, read);
            Interlocked.Increment(ref ok ? ref accepted : ref refused);
            long seen;
            while (allocated > (seen = Interlocked.Read(ref maxAllocated)) && Interlocked.CompareExchange(ref maxAllocated, allocated, seen) != seen) { }
        }, iter: iterations ?? Iterations, threads: 1, print: b => $"{b.Length} bytes, base64 {Convert.ToBase64String(b)}");
        return new Figures(reader, executions, accepted, refused, maxAllocated, clock.Elapsed.TotalSeconds);
    }

    /// <summary>One input: true if the reader accepted it, false if it refused it with a BackpropException; anything else fails.</summary>
    public static (bool Accepted, long Allocated) Execute(string reader, byte[] bytes, Action<byte[]> read)
    {
        bool accepted = false;
        long allocated = 0;
        var run = Task.Factory.StartNew(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                read(bytes);
                accepted = true;
            }
            catch (BackpropException e) when (!e.Message.Contains('\n'))
            {
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }, TaskCreationOptions.LongRunning);
        if (!run.Wait(TimeLimit)) throw new TimeoutException($"{reader}: an input of {bytes.Length} bytes took more than {TimeLimit.TotalSeconds} s");
        if (allocated > AllocationBudget(bytes.Length))
            throw new InsufficientMemoryException($"{reader}: an input of {bytes.Length} bytes allocated {allocated:N0} bytes");
        return (accepted, allocated);
    }
}
