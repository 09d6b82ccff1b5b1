using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Backprop.Tensors;

namespace Backprop.Data;

/// <summary>
/// Copies the rows of a shuffled batch out of a data set into X. The rows lie far apart in a data set much
/// larger than the caches, so the copy waits on memory: each row is copied as one vector stream, and a big
/// batch is split by rows over <see cref="Gemm.Threads"/> so that two cores keep twice the reads in flight.
/// Each row is copied the same way whichever thread copies it.
/// </summary>
internal static unsafe class RowGather<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Below this many values a second thread costs more than it saves.
    private const int ParallelThreshold = 1 << 15;

    private static readonly Job TheJob = new();

    public static void Run(Dataset data, ReadOnlySpan<int> indices, Matrix<T> x)
    {
        int parts = Math.Min(Math.Max(1, Gemm.Threads), indices.Length * data.FeatureCount / ParallelThreshold);
        if (parts <= 1)
        {
            Copy(data, indices, x, 0, indices.Length);
            return;
        }
        fixed (int* rows = indices)
        {
            lock (TheJob)
            {
                (TheJob.Data, TheJob.Count, TheJob.X, TheJob.Parts) = (data, indices.Length, x, parts);
                TheJob.Rows = rows;
                WorkerPool.Run(TheJob, parts);
                (TheJob.Data, TheJob.X) = (null, null); // hold nothing of the caller's
                TheJob.Rows = null;
            }
        }
    }

    private static void Copy(Dataset data, ReadOnlySpan<int> indices, Matrix<T> x, int from, int to)
    {
        for (int r = from; r < to; r++)
        {
            var src = data.Row(indices[r]);
            var dst = x.Row(r);
            if (typeof(T) == typeof(float)) src.CopyTo(MemoryMarshal.Cast<T, float>(dst));
            else TensorPrimitives.ConvertTruncating(src, dst); // float → double is exact: the same values as T.CreateTruncating
        }
    }

    private sealed class Job : IParallelWork
    {
        public Dataset? Data;
        public int* Rows;
        public int Count, Parts;
        public Matrix<T>? X;

        public void Execute(int part)
        {
            int chunk = (Count + Parts - 1) / Parts;
            int from = Math.Min(Count, part * chunk), to = Math.Min(Count, from + chunk);
            Copy(Data!, new ReadOnlySpan<int>(Rows, Count), X!, from, to);
        }
    }
}
