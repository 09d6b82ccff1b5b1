using System.Text;
using Backprop.IO;
using Backprop.Tests.Cli;

namespace Backprop.Tests.Core;

/// <summary>
/// AtomicFile.Write must leave the old file or the new one, never part of the new: a writer that fails
/// after writing half its bytes (flushed to disk) must leave the original byte for byte and no temporary file.
/// </summary>
public class AtomicFileTests
{
    private static readonly byte[] Original = Encoding.UTF8.GetBytes("{\"format\": \"backprop.network/1\", \"the\": \"good model\"}\n");
    private static readonly byte[] Replacement = [.. Enumerable.Range(0, 10_000).Select(i => (byte)('a' + i % 26))];

    private static void WriteHalfThenThrow(Stream stream, Exception failure)
    {
        stream.Write(Replacement, 0, Replacement.Length / 2);
        stream.Flush(); // the half really reaches the file system before the failure
        throw failure;
    }

    [Fact]
    public void Write_WhenTheWriterFailsHalfway_LeavesTheOriginalIntactAndNoTemporaryFile()
    {
        using var dir = new TempDir();
        string path = dir["model.json"];
        File.WriteAllBytes(path, Original);

        var e = Assert.Throws<InvalidOperationException>(() =>
            AtomicFile.Write(path, s => WriteHalfThenThrow(s, new InvalidOperationException("the writer failed"))));

        Assert.Equal("the writer failed", e.Message);
        Assert.Equal(Original, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Write_WhenTheWriterFailsWithAnIOErrorHalfway_ReportsItAndLeavesTheOriginalIntact()
    {
        using var dir = new TempDir();
        string path = dir["model.json"];
        File.WriteAllBytes(path, Original);

        var e = Assert.Throws<BackpropException>(() => AtomicFile.Write(path, s => WriteHalfThenThrow(s, new IOException("disk full"))));

        Assert.Contains("model.json", e.Message);
        Assert.Contains("disk full", e.Message);
        Assert.Equal(Original, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Write_WhenTheWriterFailsAndThereWasNoFile_LeavesNothing()
    {
        using var dir = new TempDir();
        string path = dir["model.json"];

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s => WriteHalfThenThrow(s, new InvalidOperationException("no"))));

        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Write_WhenTheWriterSucceeds_ReplacesTheFileWholeAndLeavesNoTemporaryFile()
    {
        using var dir = new TempDir();
        string path = dir["model.json"];
        File.WriteAllBytes(path, Original);

        AtomicFile.Write(path, s => s.Write(Replacement));

        Assert.Equal(Replacement, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }
}
