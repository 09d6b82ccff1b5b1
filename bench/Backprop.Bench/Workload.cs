using System.Diagnostics;
using Backprop.Layers;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Bench;

/// <summary>
/// One training step of an MLP 784-W-…-10 (ReLU, cross-entropy, SGD lr 0.1, He init) on a fixed random batch,
/// as reference.py's scale, phases and infer modes build it on PyTorch's side.
/// </summary>
internal sealed class Workload
{
    private readonly Sgd<float> _sgd = new(0.1);
    private readonly List<Parameter<float>> _parameters;
    private readonly Trainer<float> _trainer;
    private readonly Matrix<float> _lossGradient = new(0, 0);

    public Workload(int[] sizes, int batch, int seed = 1)
    {
        Sizes = sizes;
        Network = NetworkSpec.Mlp(sizes, "relu", "cross_entropy", "he", seed).Build<float>();
        X = new Matrix<float>(batch, sizes[0]);
        T = new Matrix<float>(batch, 1);
        var rng = new Random(seed);
        for (int i = 0; i < X.Length; i++) X.Span[i] = (float)rng.NextDouble();
        for (int i = 0; i < batch; i++) T.Span[i] = rng.Next(sizes[^1]);
        _parameters = [.. Network.Parameters];
        _trainer = new Trainer<float>(Network, new Sgd<float>(0.1), batch, seed);
    }

    public int[] Sizes { get; }
    public Network<float> Network { get; }
    public Matrix<float> X { get; }
    public Matrix<float> T { get; }

    /// <summary>Forward, loss, backward, SGD update: the library's training step (Trainer.TrainBatch).</summary>
    public double Step() => _trainer.TrainBatch(X, T);

    /// <summary>The step's four phases as separate calls (the SGD update in its own pass, not inside the backward pass as in <see cref="Step"/>), each timed: seconds written to <paramref name="phases"/> (forward, loss, backward, optimizer).</summary>
    public void TimedStep(double[] phases)
    {
        long t0 = Stopwatch.GetTimestamp();
        var y = Network.Forward(X);
        long t1 = Stopwatch.GetTimestamp();
        Network.Loss.Compute(y, T, _lossGradient.Reshape(y.Rows, y.Cols));
        long t2 = Stopwatch.GetTimestamp();
        Network.Backward(_lossGradient);
        long t3 = Stopwatch.GetTimestamp();
        _sgd.Step(_parameters);
        long t4 = Stopwatch.GetTimestamp();
        phases[0] = (t1 - t0) / (double)Stopwatch.Frequency;
        phases[1] = (t2 - t1) / (double)Stopwatch.Frequency;
        phases[2] = (t3 - t2) / (double)Stopwatch.Frequency;
        phases[3] = (t4 - t3) / (double)Stopwatch.Frequency;
    }

    /// <summary>
    /// Multiply-adds ×2 of one training example: forward X·W (2·in·out per layer), backward dW = Xᵀ·Δ (2·in·out)
    /// and dX = Δ·Wᵀ (2·in·out, not for the first layer, whose input gradient nobody reads).
    /// </summary>
    public static double FlopsPerExample(int[] sizes)
    {
        double flops = 0;
        for (int i = 0; i + 1 < sizes.Length; i++) flops += (i == 0 ? 4.0 : 6.0) * sizes[i] * sizes[i + 1];
        return flops;
    }

    /// <summary>
    /// Seconds per call in the best of nine chunks of at least <paramref name="seconds"/>/9, after two warm-up calls
    /// (reference.py's timed()): on a shared machine the quickest chunk is the one least disturbed by neighbours.
    /// </summary>
    public static double Time(Action step, double seconds)
    {
        step();
        step();
        long start = Stopwatch.GetTimestamp();
        step();
        double once = Math.Max(Stopwatch.GetElapsedTime(start).TotalSeconds, 1e-7);
        int calls = Math.Max(1, (int)(seconds / 9 / once));
        double best = double.PositiveInfinity;
        for (int c = 0; c < 9; c++)
        {
            start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++) step();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds / calls);
        }
        return best;
    }
}
