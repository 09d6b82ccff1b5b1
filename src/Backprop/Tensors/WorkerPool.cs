using System.Diagnostics;

namespace Backprop.Tensors;

/// <summary>A job split into parts that run at the same time, part 0 on the caller's thread.</summary>
internal interface IParallelWork
{
    void Execute(int part);
}

/// <summary>
/// A small persistent pool of worker threads for the matrix products. A training step runs a handful of
/// products of a few tens of microseconds each, so waking threads must cost far less than that and must
/// not allocate: workers spin for a short while on a generation counter and only then block until it changes.
/// One job runs at a time; a caller that finds the pool busy (another thread's product) runs its parts serially.
/// </summary>
internal static class WorkerPool
{
    // How long an idle worker keeps spinning before it blocks: long enough to span the gap between the
    // products of one training step, short enough not to burn a core when training stops.
    private static readonly long SpinTicks = Stopwatch.Frequency / 2000; // 0.5 ms

    private static readonly Lock Gate = new();
    // Idle workers block here until the job generation changes. Waiting on the generation, not on a count of
    // wake-ups, matters: a worker that went back to sleep early could take a count released for another.
    private static readonly object Bed = new();
    private static int _workers;
    private static IParallelWork? _work;
    // The job's generation and its number of parts in one word, so a worker reads both at once:
    // generation · 256 + parts.
    private static long _job;
    private static int _pending;
    private static int _sleepers;
    private static Exception? _failure;
    private static readonly long[] Allocated = new long[256];

    // Jobs this thread has split over the workers, for tests: a busy pool runs a job serially, unseen.
    [ThreadStatic] private static long _parallelJobs;

    /// <summary>How many jobs the calling thread has run split over the workers (not serially), for tests.</summary>
    public static long ParallelJobsOnThisThread => _parallelJobs;

    /// <summary>Managed bytes the workers have allocated so far (each reports its own count after every job), for tests.</summary>
    public static long WorkerAllocatedBytes
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < Allocated.Length; i++) sum += Volatile.Read(ref Allocated[i]);
            return sum;
        }
    }

    /// <summary>Runs <c>work.Execute(0 … parts−1)</c> and returns when every part is done.</summary>
    public static void Run(IParallelWork work, int parts)
    {
        if (parts <= 1 || parts > 255 || !Gate.TryEnter())
        {
            for (int i = 0; i < parts; i++) work.Execute(i);
            return;
        }
        try
        {
            while (_workers < parts - 1) StartWorker(++_workers);
            _work = work;
            _failure = null;
            Volatile.Write(ref _pending, parts - 1);
            Interlocked.Exchange(ref _job, ((_job >> 8) + 1) * 256 + parts);
            if (Volatile.Read(ref _sleepers) > 0)
                lock (Bed) Monitor.PulseAll(Bed);
            work.Execute(0);
            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
            _work = null;
            _parallelJobs++;
            if (_failure is { } failure) throw new AggregateException("a matrix product failed on a worker thread", failure);
        }
        finally
        {
            Gate.Exit();
        }
    }

    private static void StartWorker(int part)
    {
        long generation = Volatile.Read(ref _job) >> 8;
        var thread = new Thread(() => Loop(part, generation)) { IsBackground = true, Name = $"gemm worker {part}" };
        thread.Start();
    }

    private static void Loop(int part, long seen)
    {
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            long job;
            while ((job = Volatile.Read(ref _job)) >> 8 == seen)
            {
                if (Stopwatch.GetTimestamp() - start < SpinTicks)
                {
                    Thread.SpinWait(20);
                    continue;
                }
                // Announce the sleep before checking once more, so a job posted in between is not missed.
                Interlocked.Increment(ref _sleepers);
                lock (Bed)
                {
                    while (Volatile.Read(ref _job) >> 8 == seen) Monitor.Wait(Bed);
                }
                Interlocked.Decrement(ref _sleepers);
                start = Stopwatch.GetTimestamp();
            }
            seen = job >> 8;
            if (part >= (int)(job & 255)) continue;
            try
            {
                _work!.Execute(part);
            }
            catch (Exception e)
            {
                _failure = e;
            }
            finally
            {
                Volatile.Write(ref Allocated[part], GC.GetAllocatedBytesForCurrentThread());
                Interlocked.Decrement(ref _pending);
            }
        }
    }
}
