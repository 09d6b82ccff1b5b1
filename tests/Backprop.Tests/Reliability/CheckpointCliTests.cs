using Backprop.Tests.Cli;

namespace Backprop.Tests.Reliability;

/// <summary>train's checkpoint options from the command line: what is refused, in one line, and what is left alone.</summary>
public class CheckpointCliTests
{
    private static readonly string[] Base = ["train", "--data", "xor", "--layers", "2-4-2", "--batch", "2", "--epochs", "2", "--threads", "1"];

    /// <summary>The base arguments with <paramref name="change"/>'s (option, value) pairs replacing or adding to them.</summary>
    private static string[] With(params string[] change)
    {
        var args = Base.ToList();
        for (int i = 0; i < change.Length; i += 2)
        {
            int at = args.IndexOf(change[i]);
            if (at >= 0) args[at + 1] = change[i + 1];
            else args.AddRange([change[i], change[i + 1]]);
        }
        return [.. args];
    }

    private static void AssertOneLine(CliRunner.Result run, int exitCode, string expected)
    {
        Assert.Equal(exitCode, run.ExitCode);
        string err = run.Stderr.TrimEnd('\n');
        Assert.DoesNotContain('\n', err);
        Assert.Contains(expected, err);
    }

    [Theory]
    [InlineData(new[] { "--layers", "2-5-2" }, "was made with --layers 2-4-2, this run has --layers 2-5-2")]
    [InlineData(new[] { "--data", "circles" }, "was made with --data xor, this run has --data circles")]
    [InlineData(new[] { "--lr", "0.5" }, "was made with --lr (not given), this run has --lr 0.5")]
    [InlineData(new[] { "--optimizer", "sgd" }, "was made with --optimizer adam, this run has --optimizer sgd")]
    [InlineData(new[] { "--precision", "f64" }, "was made with --precision f32, this run has --precision f64")]
    [InlineData(new[] { "--seed", "2" }, "was made with --seed 1, this run has --seed 2")]
    [InlineData(new[] { "--epochs", "1" }, "has already finished 2 epochs, more than --epochs 1")]
    public void ResumeWithContradictingSettings_IsRefusedNamingTheDifference(string[] change, string expected)
    {
        using var dir = new TempDir();
        string ckpt = dir["run.ckpt"];
        var first = CliRunner.Run([.. Base, "--checkpoint", ckpt]);
        Assert.True(first.ExitCode == 0, first.Stderr);
        byte[] saved = File.ReadAllBytes(ckpt);
        var run = CliRunner.Run([.. With(change), "--checkpoint", ckpt, "--resume", "--out", dir["m.json"]]);
        AssertOneLine(run, 1, expected);
        Assert.Equal(saved, File.ReadAllBytes(ckpt));
        Assert.False(File.Exists(dir["m.json"]));
    }

    [Fact]
    public void ExistingCheckpointWithoutResume_IsNotOverwritten_AndResumeExtendsARun()
    {
        using var dir = new TempDir();
        string ckpt = dir["run.ckpt"];
        Assert.Equal(0, CliRunner.Run([.. Base, "--checkpoint", ckpt]).ExitCode);
        byte[] saved = File.ReadAllBytes(ckpt);
        AssertOneLine(CliRunner.Run([.. Base, "--checkpoint", ckpt]), 1, "exists: add --resume to continue from it");
        Assert.Equal(saved, File.ReadAllBytes(ckpt));

        // --epochs may grow on resume: 2 epochs, then 2 more, is the run of 4.
        var extended = CliRunner.Run([.. With("--epochs", "4"), "--checkpoint", ckpt, "--resume", "--out", dir["a.json"]]);
        Assert.True(extended.ExitCode == 0, extended.Stderr);
        Assert.Equal(0, CliRunner.Run([.. With("--epochs", "4"), "--out", dir["b.json"]]).ExitCode);
        Assert.Equal(File.ReadAllBytes(dir["b.json"]), File.ReadAllBytes(dir["a.json"]));
    }

    [Theory]
    [InlineData("truncated", "truncated checkpoint")]
    [InlineData("flipped", "corrupt checkpoint (checksum mismatch)")]
    [InlineData("binary", "not a backprop checkpoint")]
    public void DamagedCheckpoint_IsRefusedInOneLine_AndLeftAsItIs(string damage, string expected)
    {
        using var dir = new TempDir();
        string ckpt = dir["run.ckpt"];
        Assert.Equal(0, CliRunner.Run([.. Base, "--checkpoint", ckpt]).ExitCode);
        byte[] bytes = File.ReadAllBytes(ckpt);
        bytes = damage switch
        {
            "truncated" => bytes[..(bytes.Length * 2 / 3)],
            "flipped" => [.. bytes[..100], (byte)(bytes[100] ^ 0x10), .. bytes[101..]],
            _ => [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x0a, 0x0d, 0x00, 0x01],
        };
        File.WriteAllBytes(ckpt, bytes);
        AssertOneLine(CliRunner.Run([.. Base, "--checkpoint", ckpt, "--resume"]), 1, expected);
        Assert.Equal(bytes, File.ReadAllBytes(ckpt));
    }

    [Theory]
    [InlineData(new[] { "--resume" }, "--resume needs --checkpoint FILE")]
    [InlineData(new[] { "--checkpoint-every", "5" }, "--checkpoint-every needs --checkpoint FILE")]
    public void CheckpointOptionsWithoutAFile_AreRefused(string[] args, string expected) =>
        AssertOneLine(CliRunner.Run([.. Base, .. args]), 1, expected);
}
