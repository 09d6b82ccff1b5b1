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
/// Parts are not assigned to threads: the caller and the workers take them from one counter, so a part goes to
/// whichever thread is running. On a busy machine a worker the OS has not scheduled yet holds nothing up (the
/// caller takes its part), where a fixed assignment made the caller wait a whole scheduler slice for it.
/// Each part computes the same numbers whichever thread runs it.
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
    // The job in one word, so a thread reads all of it at once and takes a part with one compare-and-swap:
    // generation · 2¹⁶ + parts · 2⁸ + the next part to hand out.
    private static long _claim;
    private static int _pending;
    private static int _sleepers;
    private static Exception? _failure;
    private static readonly long[] Allocated = new long[256];

    // Jobs this thread has split over the workers, for tests: a busy pool runs a job serially, unseen.
    [ThreadStatic] private static long _parallelJobs;

    /// <summary>How many jobs the calling thread has offered to the workers (not run serially), for tests.</summary>
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
            Volatile.Write(ref _pending, parts);
            long generation = (Volatile.Read(ref _claim) >> 16) + 1;
            Interlocked.Exchange(ref _claim, (generation << 16) | ((long)parts << 8));
            if (Volatile.Read(ref _sleepers) > 0)
                lock (Bed) Monitor.PulseAll(Bed);
            RunParts(generation); // the caller takes parts too, until none is left
            // Only parts that a running worker took are left to wait for.
            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
            _work = null;
            _parallelJobs++;
            if (_failure is OutOfMemoryException outOfMemory) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(outOfMemory);
            if (_failure is { } failure) throw new AggregateException("a part of a parallel matrix operation failed", failure);
        }
        finally
        {
            Gate.Exit();
        }
    }

    /// <summary>Takes parts of job <paramref name="generation"/> and runs them until none is left.</summary>
    private static void RunParts(long generation)
    {
        while (true)
        {
            long claim = Volatile.Read(ref _claim);
            if (claim >> 16 != generation || (claim & 255) >= ((claim >> 8) & 255)) return;
            if (Interlocked.CompareExchange(ref _claim, claim + 1, claim) != claim) continue;
            // The job cannot finish, nor _work change, before this part is counted off below.
            try
            {
                _work!.Execute((int)(claim & 255));
            }
            catch (Exception e)
            {
                _failure = e;
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    private static void StartWorker(int worker)
    {
        long generation = Volatile.Read(ref _claim) >> 16;
        var thread = new Thread(() => Loop(worker, generation)) { IsBackground = true, Name = $"gemm worker {worker}" };
        thread.Start();
    }

    private static void Loop(int worker, long seen)
    {
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            long job;
            while ((job = Volatile.Read(ref _claim)) >> 16 == seen)
            {
                // The idle time counts from the end of the last job: a worker that woke too late to take a part
                // (the caller took them all) keeps spinning while that job runs, so it is awake for the next one.
                if (Volatile.Read(ref _pending) != 0) start = Stopwatch.GetTimestamp();
                if (Stopwatch.GetTimestamp() - start < SpinTicks)
                {
                    Thread.SpinWait(20);
                    continue;
                }
                // Announce the sleep before checking once more, so a job posted in between is not missed.
                Interlocked.Increment(ref _sleepers);
                lock (Bed)
                {
                    while (Volatile.Read(ref _claim) >> 16 == seen) Monitor.Wait(Bed);
                }
                Interlocked.Decrement(ref _sleepers);
                start = Stopwatch.GetTimestamp();
            }
            seen = job >> 16;
            RunParts(seen);
            Volatile.Write(ref Allocated[worker], GC.GetAllocatedBytesForCurrentThread());
        }
    }
}
