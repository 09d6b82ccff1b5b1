namespace Backprop.Tensors;

/// <summary>
/// Counts the bytes of the matrix buffers the library allocates (every one is born in Matrix's Allocate).
/// A ledger counts only while it is <see cref="Open"/>ed, and only the work of the code that opened it
/// (it flows with the async context, so parallel tests and other threads do not pollute it).
/// </summary>
public sealed class AllocationLedger : IDisposable
{
    private static readonly AsyncLocal<AllocationLedger?> Current = new();
    private readonly AllocationLedger? _outer;
    private long _bytes, _buffers;

    private AllocationLedger(AllocationLedger? outer) => _outer = outer;

    /// <summary>Bytes of matrix buffers allocated since the ledger was opened.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>How many buffers those bytes were.</summary>
    public long Buffers => Interlocked.Read(ref _buffers);

    /// <summary>Starts counting here; Dispose stops it (ledgers nest: an outer one counts what inner ones count).</summary>
    public static AllocationLedger Open() => Current.Value = new AllocationLedger(Current.Value);

    /// <summary>Called by Matrix for each buffer it allocates.</summary>
    internal static void Record(long bytes)
    {
        for (var ledger = Current.Value; ledger is not null; ledger = ledger._outer)
        {
            Interlocked.Add(ref ledger._bytes, bytes);
            Interlocked.Increment(ref ledger._buffers);
        }
    }

    /// <summary>Stops counting (the outer ledger, if any, becomes the current one).</summary>
    public void Dispose()
    {
        if (Current.Value == this) Current.Value = _outer;
    }
}
