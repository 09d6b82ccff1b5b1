using System.Globalization;
using System.Text;
using Backprop.Tensors;

namespace Backprop.Bench;

/// <summary>
/// Where a training step's time goes: forward, loss, backward and optimizer timed one by one over many steps
/// of the MLP 784-256-128-10, ours and PyTorch's (reference.py phases), at batch 1 (1 thread), 128 and 512.
/// </summary>
internal static class Phases
{
    private static readonly string[] Names = ["forward", "loss", "backward", "optimizer"];

    public static string Compare(Options options, Reference python)
    {
        var s = new StringBuilder();
        s.AppendLine("Per-phase time of one training step of 784-256-128-10, µs (median over the timed steps on both sides, robust to a noisy neighbour; the step row is the sum of the medians; PyTorch's forward includes zero_grad). " +
            "Ours runs the phases as separate calls; the training step itself (Trainer.TrainBatch) takes plain SGD's update inside the backward pass, where W −= η·dW costs a fraction of the optimizer row.");
        s.AppendLine();
        s.AppendLine("| batch, threads | phase | Backprop µs | PyTorch µs | ratio |");
        s.AppendLine("|---|---|---:|---:|---:|");
        foreach (var (batch, threads) in new[] { (1, 1), (128, options.Threads), (512, options.Threads) })
        {
            Gemm.Threads = threads;
            var work = new Workload([784, 256, 128, 10], batch);
            var one = new double[4];
            for (int i = 0; i < 20; i++) work.TimedStep(one); // warm-up
            int steps = Math.Max(50, (options.Quick ? 20_000 : 100_000) / batch);
            var samples = new double[4][];
            for (int p = 0; p < 4; p++) samples[p] = new double[steps];
            for (int i = 0; i < steps; i++)
            {
                work.TimedStep(one);
                for (int p = 0; p < 4; p++) samples[p][i] = one[p];
            }
            var theirs = python.Run("phases", "--batch", batch.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture));
            double oursTotal = 0, theirsTotal = 0;
            for (int p = 0; p < 4; p++)
            {
                double ours = 1e6 * TrainingRun.Median(samples[p]);
                double? them = theirs?.GetProperty(Names[p] + "_us").GetDouble();
                oursTotal += ours;
                theirsTotal += them ?? double.NaN;
                s.AppendLine(CultureInfo.InvariantCulture, $"| {batch}, {threads} | {Names[p]} | {ours:0.0} | {them?.ToString("0.0", CultureInfo.InvariantCulture) ?? "missing"} | {(them is { } t ? (t / ours).ToString("0.0", CultureInfo.InvariantCulture) : "")} |");
            }
            s.AppendLine(CultureInfo.InvariantCulture, $"| {batch}, {threads} | **step** | **{oursTotal:0.0}** | **{theirsTotal:0.0}** | **{theirsTotal / oursTotal:0.0}** |");
        }
        return s.ToString();
    }
}
