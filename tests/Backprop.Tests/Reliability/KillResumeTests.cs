using System.Collections.Concurrent;
using Backprop.IO;
using Backprop.Tests.Cli;

namespace Backprop.Tests.Reliability;

/// <summary>
/// A real train process is killed (SIGKILL, at random moments and in the middle of checkpoint writes) or
/// interrupted (SIGINT, SIGTERM) again and again and resumed with --resume until it finishes; its final
/// network must equal, value for value, that of a run that was never stopped. Runs are small so the
/// tests stay short on a loaded machine; together they cover momentum SGD and Adam, f32 and f64.
/// </summary>
public class KillResumeTests
{
    private static readonly ConcurrentDictionary<string, byte[]> References = new();

    private static string[] Args(string optimizer, string precision, string outPath, string? checkpoint) =>
    [
        "train", "--data", "circles", "--limit", "200", "--batch", "20", "--layers", "2-32-32-2", "--activation", "tanh",
        "--optimizer", optimizer, "--precision", precision, "--epochs", "50", "--seed", "4", "--threads", "1", "--json", "--out", outPath,
        .. checkpoint is null ? (string[])[] : ["--checkpoint", checkpoint, "--checkpoint-every", "3", "--resume"],
    ];

    /// <summary>The network of an uninterrupted run without checkpoints.</summary>
    private static byte[] Reference(string optimizer, string precision) => References.GetOrAdd($"{optimizer} {precision}", _ =>
    {
        using var dir = new TempDir();
        var run = CliRunner.Run(Args(optimizer, precision, dir["ref.json"], null));
        Assert.True(run.ExitCode == 0, run.Stderr);
        return File.ReadAllBytes(dir["ref.json"]);
    });

    private static void AssertSameNetwork(byte[] expected, string path)
    {
        var a = NetworkJson.Parse(System.Text.Encoding.UTF8.GetString(expected));
        var b = NetworkJson.Load(path);
        Assert.Equal(a.Layers.Count, b.Layers.Count);
        for (int i = 0; i < a.Layers.Count; i++)
        {
            Assert.Equal(a.Layers[i].Weights?.SelectMany(r => r), b.Layers[i].Weights?.SelectMany(r => r));
            Assert.Equal(a.Layers[i].Bias, b.Layers[i].Bias);
        }
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("momentum", "f32", 11)]
    [InlineData("adam", "f64", 12)]
    public void SigkillAtRandomMoments_ThenResume_GivesTheSameNetwork(string optimizer, string precision, int seed)
    {
        byte[] expected = Reference(optimizer, precision);
        using var dir = new TempDir();
        string checkpoint = dir["run.ckpt"], outPath = dir["net.json"];
        var args = Args(optimizer, precision, outPath, checkpoint);
        var rng = new Random(seed);
        int kills = 0, inWrite = 0, attempts = 0;
        while (kills < 10)
        {
            Assert.True(++attempts < 60, $"only {kills} kills in {attempts} runs");
            bool duringWrite = kills % 3 == 1; // every third kill lands inside a checkpoint write, paused half-way
            using var p = new TrainProcess(args, duringWrite ? 60_000 : 0);
            bool landed = duringWrite
                ? p.WaitPaused(TimeSpan.FromMinutes(3))
                : p.WaitStarted(TimeSpan.FromMinutes(3)) && !p.Exited(rng.Next(0, 400)); // at a random moment of training
            if (!landed)
            {
                // The run finished first: check it, and start a new chain of kills from scratch.
                Assert.True(p.WaitForExit() == 0, p.Stderr);
                AssertSameNetwork(expected, outPath);
                File.Delete(checkpoint);
                File.Delete(outPath);
                continue;
            }
            p.Kill();
            kills++;
            if (duringWrite) inWrite++;
            // Whatever the moment, the checkpoint on disk is whole: the last one written completely.
            if (File.Exists(checkpoint)) Checkpoint.Load(checkpoint);
            if (File.Exists(outPath)) AssertSameNetwork(expected, outPath); // only ever the finished network
        }
        Assert.True(inWrite >= 3, $"{inWrite} kills during a checkpoint write");

        using var last = new TrainProcess(args);
        Assert.True(last.WaitForExit() == 0, last.Stderr);
        AssertSameNetwork(expected, outPath);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp")); // the writes cut short were cleaned up on resume
    }

    [Theory]
    [InlineData("momentum", "f64", 21)]
    [InlineData("adam", "f32", 22)]
    public void SigintAndSigterm_SaveAndExit_ThenResume_GivesTheSameNetwork(string optimizer, string precision, int seed)
    {
        byte[] expected = Reference(optimizer, precision);
        using var dir = new TempDir();
        string checkpoint = dir["run.ckpt"], outPath = dir.File("net.json", "the previous network");
        var args = Args(optimizer, precision, outPath, checkpoint);
        var rng = new Random(seed);
        int interrupts = 0;
        for (int attempt = 0; interrupts < 3; attempt++)
        {
            Assert.True(attempt < 12, $"only {interrupts} interrupts in {attempt} runs");
            string signal = interrupts == 1 ? "TERM" : "INT";
            using var p = new TrainProcess(args);
            if (p.WaitStarted(TimeSpan.FromMinutes(3)) && !p.Exited(rng.Next(0, 400))) p.Signal(signal);
            int code = p.WaitForExit();
            if (code == 0)
            {
                // The run finished before the signal: check it, and start again from scratch.
                AssertSameNetwork(expected, outPath);
                File.Delete(checkpoint);
                File.WriteAllText(outPath, "the previous network");
                continue;
            }
            interrupts++;
            Assert.Equal(signal == "INT" ? 130 : 143, code);
            string line = p.Stderr.Split('\n')[^1];
            Assert.Contains($"SIG{signal}: stopped", line);
            Assert.Contains($"checkpoint saved to {checkpoint}", line);
            Checkpoint.Load(checkpoint);
            Assert.Equal("the previous network", File.ReadAllText(outPath)); // --out is not touched by an interrupted run
        }

        using var last = new TrainProcess(args);
        Assert.True(last.WaitForExit() == 0, last.Stderr);
        AssertSameNetwork(expected, outPath);
    }
}
