using Backprop.Tests.Cli;

namespace Backprop.Tests.Reliability;

/// <summary>
/// Command-line mistakes: exactly one line on stderr, exit code 2, nothing else printed, and no work
/// done (the --out file is not written). Numbers that make no sense are refused the same way, before
/// any data is loaded.
/// </summary>
public class UsageMistakeTests
{
    private static void AssertOneLineMistake(string[] args, string expected)
    {
        using var dir = new TempDir();
        string outPath = dir["out.json"];
        // Every verb here that takes --out gets one, to show that nothing was written.
        string[] full = args.Length > 0 && args[0] is "train" or "diagram" or "report" ? [.. args, "--out", outPath] : args;
        var run = CliRunner.Run(full);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"backprop: error: {expected}", run.Stderr.TrimEnd('\n'));
        Assert.Equal("", run.Stdout);
        Assert.False(File.Exists(outPath));
    }

    [Theory]
    [InlineData(new[] { "trian" }, "unknown verb 'trian'; did you mean 'train'?")]
    [InlineData(new[] { "gradchek", "--example", "article1" }, "unknown verb 'gradchek'; did you mean 'gradcheck'?")]
    [InlineData(new[] { "frobnicate" }, "unknown verb 'frobnicate' (see --help)")]
    [InlineData(new[] { "analyze", "gradient" }, "unknown verb 'gradient' for analyze; did you mean 'gradients'?")]
    [InlineData(new[] { "train", "--lrr", "0.1" }, "unknown option '--lrr' for train; did you mean '--lr'?")]
    [InlineData(new[] { "train", "--epoch", "3" }, "unknown option '--epoch' for train; did you mean '--epochs'?")]
    [InlineData(new[] { "explain", "--exmaple", "article1" }, "unknown option '--exmaple' for explain; did you mean '--example'?")]
    [InlineData(new[] { "train", "--zzzzzz" }, "unknown option '--zzzzzz' for train (see --help)")]
    [InlineData(new[] { "train", "extra" }, "unexpected argument 'extra' for train")]
    [InlineData(new[] { "analyze" }, "analyze needs a verb: gradients, init, memory, loss-scaling (see --help)")]
    [InlineData(new[] { "train", "--lr" }, "--lr needs a value")]
    [InlineData(new[] { "eval", "--model" }, "--model needs a value")]
    [InlineData(new[] { "train", "--lr", "--epochs", "3" }, "--lr needs a value")]
    [InlineData(new[] { "train", "--epochs", "1.5" }, "--epochs: '1.5' is not a whole number (up to 2147483647)")]
    [InlineData(new[] { "train", "--epochs", "99999999999" }, "--epochs: '99999999999' is not a whole number (up to 2147483647)")]
    [InlineData(new[] { "train", "--lr", "fast" }, "--lr: 'fast' is not a number")]
    [InlineData(new[] { "train", "--lr", "a\nb\u0001" }, "--lr: 'a\\nb\\u0001' is not a number")]
    public void UnknownOrMalformed_OneLineExit2(string[] args, string expected) => AssertOneLineMistake(args, expected);

    [Theory]
    [InlineData(new[] { "train", "--lr", "0" }, "--lr must be a positive number, got 0")]
    [InlineData(new[] { "train", "--lr", "-0.1" }, "--lr must be a positive number, got -0.1")]
    [InlineData(new[] { "train", "--lr", "NaN" }, "--lr must be a positive number, got NaN")]
    [InlineData(new[] { "train", "--lr", "Infinity" }, "--lr must be a positive number, got Infinity")]
    [InlineData(new[] { "train", "--lr", "1e999" }, "--lr must be a positive number, got Infinity")]
    [InlineData(new[] { "train", "--momentum", "-0.9" }, "--momentum must be a finite number, 0 or more, got -0.9")]
    [InlineData(new[] { "train", "--weight-decay", "-1e-4" }, "--weight-decay must be a finite number, 0 or more, got -0.0001")]
    [InlineData(new[] { "train", "--threads", "0" }, "--threads must be from 1 to 4,096, got 0")]
    [InlineData(new[] { "train", "--limit", "-5" }, "--limit must be at least 1, got -5")]
    [InlineData(new[] { "train", "--limit", "0" }, "--limit must be at least 1, got 0")]
    [InlineData(new[] { "train", "--epochs", "0" }, "--epochs must be from 1 to 1,000,000, got 0")]
    [InlineData(new[] { "train", "--epochs", "-3" }, "--epochs must be from 1 to 1,000,000, got -3")]
    [InlineData(new[] { "train", "--epochs", "2000000000" }, "--epochs must be from 1 to 1,000,000, got 2000000000")]
    [InlineData(new[] { "train", "--batch", "0" }, "--batch must be from 1 to 1,000,000, got 0")]
    [InlineData(new[] { "train", "--batch", "2000000000" }, "--batch must be from 1 to 1,000,000, got 2000000000")]
    [InlineData(new[] { "train", "--depth", "0" }, "--depth must be from 1 to 10,000, got 0")]
    [InlineData(new[] { "train", "--checkpoint-every", "-1" }, "--checkpoint-every must be at least 0, got -1")]
    [InlineData(new[] { "analyze", "gradients", "--lr", "0" }, "--lr must be a positive number, got 0")]
    [InlineData(new[] { "analyze", "gradients", "--epochs", "-1" }, "--epochs must be from 0 to 1,000,000, got -1")]
    [InlineData(new[] { "analyze", "init", "--lr", "NaN" }, "--lr must be a positive number, got NaN")]
    [InlineData(new[] { "analyze", "memory", "--batch", "0" }, "--batch must be from 1 to 1,000,000, got 0")]
    [InlineData(new[] { "analyze", "memory", "--momentum", "-1" }, "--momentum must be a finite number, 0 or more, got -1")]
    [InlineData(new[] { "analyze", "loss-scaling", "--epochs", "-2" }, "--epochs must be from 0 to 1,000,000, got -2")]
    [InlineData(new[] { "gradcheck", "--example", "article1", "--tolerance", "-1" }, "--tolerance must be a positive number, got -1")]
    [InlineData(new[] { "explain", "--example", "article1", "--top", "0" }, "--top must be at least 1, got 0")]
    public void NonsenseNumbers_RefusedBeforeAnyWork(string[] args, string expected) => AssertOneLineMistake(args, expected);

    [Fact]
    public void Help_StillPrintsTheFullUsage()
    {
        var run = CliRunner.Run("train", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--checkpoint", run.Stdout);
        Assert.Contains("--lr", run.Stdout);
        Assert.True(run.Stdout.Split('\n').Length > 20);
    }

    [Fact]
    public void BinaryFileAsNetwork_QuotesAShortEscapedExcerpt()
    {
        using var dir = new TempDir();
        string path = dir["net.json"];
        // Valid JSON start, then binary junk inside a value that the reader quotes back.
        File.WriteAllBytes(path, [.. "{\"format\": \""u8, .. Enumerable.Range(0, 3000).Select(i => (byte)(i % 7 == 0 ? '\n' : 1 + i % 120)), .. "\"}"u8]);
        var run = CliRunner.Run("grad", "--network", path, "--example", "article1");
        Assert.NotEqual(0, run.ExitCode);
        string err = run.Stderr.TrimEnd('\n');
        Assert.DoesNotContain('\n', err);
        Assert.True(err.Length < 300, err);
        Assert.DoesNotContain(err, c => char.IsControl(c));
    }
}
