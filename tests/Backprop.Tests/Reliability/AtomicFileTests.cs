using System.Diagnostics;
using Backprop.IO;
using Backprop.Tests.Cli;

namespace Backprop.Tests.Reliability;

public class AtomicFileTests
{
    /// <summary>The id of a process that has exited (a SIGKILLed writer's, as far as its temporary file knows).</summary>
    private static int DeadProcessId()
    {
        using var p = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    [Fact]
    public void Write_ReplacesTheFile_AndRemovesWhatKilledWritersOfIt_LeavesLiveWritersAndOtherFilesAlone()
    {
        using var dir = new TempDir();
        string path = dir["net.json"];
        File.WriteAllText(path, "old");
        string dead = dir[$".net.json.{DeadProcessId()}.tmp"];
        string live = dir[".net.json.1.tmp"];            // pid 1 is always running
        string other = dir[$".other.json.{DeadProcessId()}.tmp"];
        foreach (var f in new[] { dead, live, other }) File.WriteAllText(f, "half");

        AtomicFile.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => f.Contains($".{Environment.ProcessId}.tmp"));
    }

    [Fact]
    public void FailedWrite_LeavesTheEarlierFileIntact_AndNoTemporary()
    {
        using var dir = new TempDir();
        string path = dir["net.json"];
        File.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.WriteByte(1);
            throw new InvalidOperationException("cut short");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }
}
