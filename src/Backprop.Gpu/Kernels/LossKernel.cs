using System.Numerics;
using System.Runtime.CompilerServices;
using ILGPU;

namespace Backprop.Gpu.Kernels;

/// <summary>
/// The groups stride over the batch's rows (one row per thread at a time: a row of a few logits is a
/// short serial loop); each group reduces its loss and correct count in shared memory, and the group that
/// finishes last adds the groups' sums in group order: no floating-point atomics, so the sums come out the
/// same on every run.
/// </summary>
internal static class LossKernel
{
    public const int MaxThreads = 256;

    /// <summary>At most this many groups: the last one adds their sums one after another.</summary>
    public const int MaxGroups = 32;

    /// <summary>Groups for a batch of <paramref name="rows"/>: one row per thread, up to <see cref="MaxGroups"/>.</summary>
    public static int Groups(int rows, int threads) => Math.Clamp((rows + threads - 1) / threads, 1, MaxGroups);

    public static void Kernel<T>(LossArgs<T> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var lossShare = SharedMemory.Allocate<T>(MaxThreads);
        var correctShare = SharedMemory.Allocate<int>(MaxThreads);
        var last = SharedMemory.Allocate<int>(1);
        int t = Group.IdxX, threads = Group.DimX, k = a.Outputs, groups = Grid.DimX;
        if (a.DeviceStep != 0)
        {
            int step = a.StepBase[0] + a.StepInGraph;
            a.Offset = step * a.BatchSize;
            a.Batch = step;
        }
        T loss = T.Zero;
        int correct = 0;
        for (int r = Grid.IdxX * threads + t; r < a.Rows; r += groups * threads)
        {
            int n = a.Order[a.Offset + r];
            long row = (long)r * k;
            T rowLoss = T.Zero;
            if (a.Kind == LossArgs<T>.CrossEntropyIndex || a.Kind == LossArgs<T>.CrossEntropySoft)
            {
                // log Σ e^y = m + log Σ e^(y − m), with m the row's maximum.
                T max = a.Y[row];
                for (int j = 1; j < k; j++) if (a.Y[row + j] > max) max = a.Y[row + j];
                T sum = T.Zero;
                for (int j = 0; j < k; j++) sum += T.Exp(a.Y[row + j] - max);
                T logSumExp = max + T.Log(sum);
                if (a.Kind == LossArgs<T>.CrossEntropyIndex)
                {
                    int c = a.Labels[n];
                    rowLoss = logSumExp - a.Y[row + c];
                    for (int j = 0; j < k; j++)
                    {
                        T p = T.Exp(a.Y[row + j] - max) / sum;
                        if (j == c) p -= T.One;
                        Store(a, row + j, p * a.GradientScale);
                    }
                }
                else
                {
                    T mass = T.Zero;
                    for (int j = 0; j < k; j++)
                    {
                        T target = a.TargetData[(long)n * k + j];
                        rowLoss += target * (logSumExp - a.Y[row + j]);
                        mass += target;
                    }
                    for (int j = 0; j < k; j++)
                        Store(a, row + j, (T.Exp(a.Y[row + j] - max) / sum * mass - a.TargetData[(long)n * k + j]) * a.GradientScale);
                }
            }
            else
            {
                for (int j = 0; j < k; j++)
                {
                    T y = a.Y[row + j], target = Target(a, n, j);
                    T g;
                    if (a.Kind == LossArgs<T>.Squared)
                    {
                        T diff = y - target;
                        rowLoss += diff * diff;
                        g = a.GradientScale * diff;
                    }
                    else
                    {
                        // max(y, 0) − y·t + log(1 + e^(−|y|)); ∂/∂y = sigmoid(y) − t.
                        rowLoss += (y > T.Zero ? y : T.Zero) - y * target + T.Log(T.One + T.Exp(-T.Abs(y)));
                        T sigmoid = y >= T.Zero ? T.One / (T.One + T.Exp(-y)) : T.Exp(y) / (T.One + T.Exp(y));
                        g = (sigmoid - target) * a.GradientScale;
                    }
                    Store(a, row + j, g);
                }
            }
            loss += rowLoss;
            if (a.Classify != 0 && Predict(a, row) == a.Labels[n]) correct++;
        }

        lossShare[t] = loss;
        correctShare[t] = correct;
        Group.Barrier();
        for (int half = threads / 2; half > 0; half /= 2)
        {
            if (t < half)
            {
                lossShare[t] += lossShare[t + half];
                correctShare[t] += correctShare[t + half];
            }
            Group.Barrier();
        }
        if (groups == 1)
        {
            if (t == 0)
            {
                a.BatchLoss[a.Batch] = lossShare[0] * a.RowScale;
                a.BatchCorrect[a.Batch] = correctShare[0];
            }
            return;
        }
        if (t == 0)
        {
            a.GroupLoss[Grid.IdxX] = lossShare[0];
            a.GroupCorrect[Grid.IdxX] = correctShare[0];
            MemoryFence.DeviceLevel();
            last[0] = Atomic.Add(ref a.Arrivals[0], 1) == groups - 1 ? 1 : 0;
        }
        Group.Barrier();
        if (t != 0 || last[0] == 0) return;
        MemoryFence.DeviceLevel();
        T total = T.Zero;
        int count = 0;
        for (int b = 0; b < groups; b++)
        {
            total += a.GroupLoss[b];
            count += a.GroupCorrect[b];
        }
        a.BatchLoss[a.Batch] = total * a.RowScale;
        a.BatchCorrect[a.Batch] = count;
        a.Arrivals[0] = 0; // ready for the next batch
    }

    /// <summary>Δ = ∂L/∂Y ∘ σ'(Z) when the last dense layer has an activation, else ∂L/∂Y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(LossArgs<T> a, long at, T gradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Activation != DeviceActivation.None) gradient *= DeviceActivation.Derivative(a.Activation, a.Z[at], a.Y[at], a.Slope);
        a.Delta[at] = gradient;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Target<T>(LossArgs<T> a, int n, int j) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Encoding == LossArgs<T>.OneHot) return a.Labels[n] == j ? T.One : T.Zero;
        if (a.Encoding == LossArgs<T>.Binary) return a.Labels[n] != 0 ? T.One : T.Zero;
        return a.TargetData[(long)n * a.Outputs + j];
    }

    /// <summary>Metrics.Predict: the largest output (the first of equals), or one output against its threshold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Predict<T>(LossArgs<T> a, long row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Outputs == 1) return a.Y[row] > a.Threshold ? 1 : 0;
        int best = 0;
        for (int j = 1; j < a.Outputs; j++) if (a.Y[row + j] > a.Y[row + best]) best = j;
        return best;
    }
}
