using System.Diagnostics;
using System.Numerics;
using Backprop.Data;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Analysis;

/// <summary>
/// What one real training step took, three ways: the library's own accounting of its matrix buffers
/// (comparable byte for byte with <see cref="TrainingMemory.Predict"/>); all managed bytes this thread
/// allocated (the buffers plus the runtime's small change); and the process's peak resident memory,
/// which also holds the runtime, the code and the data set.
/// </summary>
public sealed record MemoryMeasurement(long LibraryBytes, long LibraryBuffers, long ManagedBytes, long PeakBefore, long PeakAfter)
{
    /// <summary>How much the peak resident memory grew during the step.</summary>
    public long PeakGrowth => PeakAfter - PeakBefore;

    /// <summary>Builds the network, its optimizer and trainer, and runs one training step on one batch of <paramref name="batch"/> examples.</summary>
    /// <param name="spec">The network.</param>
    /// <param name="data">Where the batch comes from.</param>
    /// <param name="batch">Examples in the batch.</param>
    /// <param name="optimizer">Makes the optimizer.</param>
    /// <param name="seed">The seed of the weights.</param>
    public static MemoryMeasurement OfOneStep<T>(NetworkSpec spec, Dataset data, int batch, Func<Optimizer<T>> optimizer, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (batch < 1) throw new BackpropException("batch size", $"batch size must be at least 1, got {batch}");
        var oneBatch = data.Subset([.. Enumerable.Range(0, batch).Select(i => i % data.Count)]);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long peakBefore = PeakWorkingSet();
        long managedBefore = GC.GetAllocatedBytesForCurrentThread();
        using var ledger = AllocationLedger.Open();
        var network = spec.Build<T>();
        var trainer = new Trainer<T>(network, optimizer(), batch, seed);
        trainer.TrainEpoch(oneBatch);
        long managed = GC.GetAllocatedBytesForCurrentThread() - managedBefore;
        GC.KeepAlive(trainer);
        return new MemoryMeasurement(ledger.Bytes, ledger.Buffers, managed, peakBefore, PeakWorkingSet());
    }

    private static long PeakWorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}
