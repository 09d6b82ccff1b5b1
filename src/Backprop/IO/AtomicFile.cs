using System.Runtime.InteropServices;
using System.Text;

namespace Backprop.IO;

/// <summary>
/// Writes a file so that readers see the old content or the new, never half of one: the bytes go to a
/// temporary file beside the target, flushed to disk, then renamed over it (atomic on one file system),
/// and the directory is flushed too, so that the rename itself survives a power cut.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) atomically.</summary>
    /// <param name="path">The file.</param>
    /// <param name="text">The content.</param>
    /// <exception cref="BackpropException">The file cannot be written; an earlier file is left intact.</exception>
    public static void WriteAllText(string path, string text) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
        writer.Write(text);
    });

    /// <summary>
    /// Fails early, with one clear line, when <paramref name="path"/> could not be written later: its directory
    /// is missing, it is a directory, or the directory refuses new files.
    /// </summary>
    public static void CheckWritable(string path, string label = "")
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory)) throw new BackpropException($"{label}{path}: directory {directory} does not exist");
        if (Directory.Exists(path)) throw new BackpropException($"{label}{path}: is a directory");
        string probe = Path.Combine(directory, $".backprop-write-test-{Environment.ProcessId}");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackpropException($"{label}{path}: cannot write to {directory}");
        }
    }

    /// <summary>Writes what <paramref name="write"/> puts in the stream atomically.</summary>
    /// <param name="path">The file.</param>
    /// <param name="write">Writes the content.</param>
    /// <exception cref="BackpropException">The file cannot be written; an earlier file is left intact.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory)) throw new BackpropException($"{path}: cannot write, directory {directory} does not exist");
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            FlushDirectory(directory);
            RemoveStaleTemporaries(full); // a writer of this path killed mid-write (SIGKILL) left its file
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new BackpropException($"{path}: cannot write ({e.Message})");
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Removes temporary files that writers of <paramref name="path"/> left behind when they were killed
    /// mid-write (their process is gone); a live writer's file is left alone.
    /// </summary>
    public static void RemoveStaleTemporaries(string path)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory)) return;
        string prefix = $".{Path.GetFileName(full)}.";
        foreach (string file in Directory.EnumerateFiles(directory, prefix + "*.tmp"))
        {
            string pid = Path.GetFileName(file)[prefix.Length..^".tmp".Length];
            if (int.TryParse(pid, out int id) && !IsRunning(id)) TryDelete(file);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>fsync on the directory, where the OS allows it (POSIX); a rename is durable only then.</summary>
    private static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0) return; // best effort: the file itself is already on disk
        _ = Fsync(fd);
        _ = Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
