using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Tensors;

/// <summary>
/// dest = x·s + addend over long arrays, split into contiguous halves (or thirds, …) over
/// <see cref="Gemm.Threads"/>. An optimizer step is bandwidth-bound; split this way each core streams its
/// own rows of W and dW, usually the same rows the backward product dW = Xᵀ·Δ gave it, so they stay in its cache.
/// </summary>
internal static class ParallelMultiplyAdd<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Below this many elements waking a second thread costs more than it saves.
    private const int ParallelThreshold = 1 << 15;

    private static readonly Job TheJob = new();

    public static void Run(T[] x, T s, T[] addend, T[] dest, int length)
    {
        int parts = Math.Min(Gemm.Threads, length / ParallelThreshold);
        if (parts <= 1)
        {
            TensorPrimitives.MultiplyAdd(x.AsSpan(0, length), s, addend.AsSpan(0, length), dest.AsSpan(0, length));
            return;
        }
        lock (TheJob)
        {
            (TheJob.X, TheJob.S, TheJob.Addend, TheJob.Dest, TheJob.Length, TheJob.Parts) = (x, s, addend, dest, length, parts);
            WorkerPool.Run(TheJob, parts);
            (TheJob.X, TheJob.Addend, TheJob.Dest) = ([], [], []); // hold no references to the caller's arrays
        }
    }

    private sealed class Job : IParallelWork
    {
        public T[] X = [], Addend = [], Dest = [];
        public T S;
        public int Length, Parts;

        public void Execute(int part)
        {
            // Chunks are multiples of 64 elements, so no two threads write one cache line.
            int chunk = (Length / Parts + 63) & ~63;
            int from = Math.Min(Length, part * chunk), to = part == Parts - 1 ? Length : Math.Min(Length, from + chunk);
            TensorPrimitives.MultiplyAdd(X.AsSpan(from, to - from), S, Addend.AsSpan(from, to - from), Dest.AsSpan(from, to - from));
        }
    }
}
