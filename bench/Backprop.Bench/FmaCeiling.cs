using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Bench;

/// <summary>
/// The machine's float32 multiply-add ceiling: twelve independent chains of vector fused multiply-adds held in
/// registers (no memory traffic), on one thread and on several at once. No product can beat it, so it bounds every
/// GFLOP/s figure of the run, ours and the peers' alike; on this 2-vCPU machine the second vCPU's share of it moves
/// with the host's load, which is why it is measured in the same run as the rows it bounds.
/// </summary>
internal static class FmaCeiling
{
    private const int Steps = 1 << 22; // about 6 ms per window at this machine's rate: short enough to catch a quiet moment

    /// <summary>GFLOP/s of <paramref name="threads"/> threads running the loop at once: the best of <paramref name="windows"/> windows.</summary>
    public static double Measure(int threads, int windows = 9)
    {
        double best = 0;
        Run(1); // compile and warm up
        for (int w = 0; w < windows; w++) best = Math.Max(best, Run(threads));
        return best;
    }

    private static double Run(int threads)
    {
        using var start = new Barrier(threads);
        var from = new long[threads];
        var to = new long[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            from[t] = Stopwatch.GetTimestamp();
            Sink = Vector512.IsHardwareAccelerated ? Chains512(Steps) : Chains256(Steps);
            to[t] = Stopwatch.GetTimestamp();
        })).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) worker.Join();
        // All the threads' work over the wall time from the first start to the last end: threads that did not
        // overlap count as the one thread they were.
        double flops = threads * 2.0 * 12 * (Vector512.IsHardwareAccelerated ? 16 : 8) * Steps;
        return flops / ((to.Max() - from.Min()) / (double)Stopwatch.Frequency) / 1e9;
    }

    /// <summary>Keeps the loops' results alive so the JIT cannot remove them.</summary>
    public static float Sink;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512(int steps)
    {
        var a = Vector512.Create(0.999999f);
        var b = Vector512.Create(1e-7f);
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector512<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (int i = 0; i < steps; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b); c1 = Vector512.FusedMultiplyAdd(c1, a, b); c2 = Vector512.FusedMultiplyAdd(c2, a, b);
            c3 = Vector512.FusedMultiplyAdd(c3, a, b); c4 = Vector512.FusedMultiplyAdd(c4, a, b); c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b); c7 = Vector512.FusedMultiplyAdd(c7, a, b); c8 = Vector512.FusedMultiplyAdd(c8, a, b);
            c9 = Vector512.FusedMultiplyAdd(c9, a, b); c10 = Vector512.FusedMultiplyAdd(c10, a, b); c11 = Vector512.FusedMultiplyAdd(c11, a, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256(int steps)
    {
        var a = Vector256.Create(0.999999f);
        var b = Vector256.Create(1e-7f);
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector256<float> c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (int i = 0; i < steps; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, a, b); c1 = Vector256.FusedMultiplyAdd(c1, a, b); c2 = Vector256.FusedMultiplyAdd(c2, a, b);
            c3 = Vector256.FusedMultiplyAdd(c3, a, b); c4 = Vector256.FusedMultiplyAdd(c4, a, b); c5 = Vector256.FusedMultiplyAdd(c5, a, b);
            c6 = Vector256.FusedMultiplyAdd(c6, a, b); c7 = Vector256.FusedMultiplyAdd(c7, a, b); c8 = Vector256.FusedMultiplyAdd(c8, a, b);
            c9 = Vector256.FusedMultiplyAdd(c9, a, b); c10 = Vector256.FusedMultiplyAdd(c10, a, b); c11 = Vector256.FusedMultiplyAdd(c11, a, b);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
