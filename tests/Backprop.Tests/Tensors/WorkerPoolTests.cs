using Backprop.Tensors;

namespace Backprop.Tests.Tensors;

/// <summary>
/// The worker pool under the pattern that once lost a wake-up: workers fall asleep between jobs, a job
/// needs more workers than the last (a new one is started), and a worker that finished its part early goes
/// back to sleep while another is still being woken. Every part of every job must run exactly once.
/// </summary>
[Collection(nameof(Backprop.Tests.Training.RunsAlone))]
public class WorkerPoolTests
{
    private sealed class CountingWork : IParallelWork
    {
        public readonly int[] Runs = new int[8];

        public void Execute(int part)
        {
            Interlocked.Increment(ref Runs[part]);
            Thread.SpinWait(part == 0 ? 20_000 : 200); // the caller's part is the long one: the others finish early
        }
    }

    [Fact]
    public void JobsAfterIdlePauses_RunEveryPartOnce_AndNeverHang()
    {
        var work = new CountingWork();
        int[] expected = new int[8];
        int rounds = 0;
        Exception? failure = null;
        // The deadlock this guards against spins forever; a watchdog far above the ~1 s the rounds take turns it into a failure.
        var runner = new Thread(() =>
        {
            try
            {
                for (; rounds < 300; rounds++)
                {
                    int parts = 2 + rounds % 3;
                    long before = WorkerPool.ParallelJobsOnThisThread;
                    WorkerPool.Run(work, parts);
                    if (WorkerPool.ParallelJobsOnThisThread != before + 1) throw new InvalidOperationException($"round {rounds}: the job ran serially");
                    for (int p = 0; p < parts; p++) expected[p]++;
                    Thread.Sleep(1 + rounds % 2); // long enough for the workers to stop spinning and block
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        { IsBackground = true };
        runner.Start();
        Assert.True(runner.Join(TimeSpan.FromMinutes(2)), $"the pool hung in round {Volatile.Read(ref rounds)} (a worker missed its wake-up)");
        Assert.Null(failure);
        Assert.Equal(expected, work.Runs);
    }
}
