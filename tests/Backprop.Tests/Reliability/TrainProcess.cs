using System.Diagnostics;

namespace Backprop.Tests.Reliability;

/// <summary>
/// A real <c>backprop train</c> process that a test can kill or interrupt. SIGINT is reset to its default
/// first (env --default-signal): a process started in the background inherits SIGINT ignored, and .NET
/// keeps an inherited ignore, so Ctrl+C would never reach it.
/// </summary>
internal sealed class TrainProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stderr = [];
    private readonly ManualResetEventSlim _started = new(), _paused = new(), _exited = new();

    public TrainProcess(string[] args, int pauseCheckpointWriteMs = 0)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "Backprop.Cli.dll"), .. args]) start.ArgumentList.Add(a);
        start.Environment["NO_COLOR"] = "1";
        if (pauseCheckpointWriteMs > 0) start.Environment["BACKPROP_TEST_PAUSE_CHECKPOINT_WRITE_MS"] = pauseCheckpointWriteMs.ToString();
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.Exited += (_, _) => _exited.Set();
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr) _stderr.Add(e.Data);
            if (e.Data.Contains("examples")) _started.Set();            // the header: signal handlers are in place
            if (e.Data.Contains("checkpoint write paused")) _paused.Set();
        };
        _process.OutputDataReceived += (_, _) => { };
        _process.Start();
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>Waits for the header line (true), or for the process to end first (false).</summary>
    public bool WaitStarted(TimeSpan timeout) => WaitHandle.WaitAny([_started.WaitHandle, _exited.WaitHandle], timeout) == 0;

    /// <summary>Waits until a checkpoint write is paused half-way (true), or the process ends first (false).</summary>
    public bool WaitPaused(TimeSpan timeout) => WaitHandle.WaitAny([_paused.WaitHandle, _exited.WaitHandle], timeout) == 0;

    /// <summary>Waits up to <paramref name="milliseconds"/>; true if the process ended by itself in that time.</summary>
    public bool Exited(int milliseconds) => _process.WaitForExit(milliseconds);

    public void Kill()
    {
        _process.Kill(); // SIGKILL: no handler, no cleanup
        _process.WaitForExit();
    }

    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString()]);
        kill.WaitForExit();
    }

    public int WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromMinutes(3))) _process.Kill();
        _process.WaitForExit(); // drains the output events
        return _process.ExitCode;
    }

    public string Stderr
    {
        get { lock (_stderr) return string.Join('\n', _stderr); }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
        _started.Dispose();
        _paused.Dispose();
        _exited.Dispose();
    }
}
