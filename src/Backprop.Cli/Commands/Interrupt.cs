using System.Runtime.InteropServices;

namespace Backprop.Cli.Commands;

/// <summary>
/// Turns the first SIGINT (Ctrl+C) or SIGTERM into a request to stop after the batch at hand, so the
/// work can be saved; a second one terminates at once, as usual, for a run that does not stop.
/// </summary>
internal sealed class Interrupt : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;

    public Interrupt() => _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];

    public CancellationToken Token => _stop.Token;
    public PosixSignal? Signal { get; private set; }
    public bool Requested => Signal is not null;

    /// <summary>The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM).</summary>
    public int ExitCode => Signal == PosixSignal.SIGTERM ? 143 : 130;
    public string Name => Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";

    /// <summary>Says in one line where the work is (or that there is no checkpoint) and returns the exit code.</summary>
    public int Exit(string? checkpoint, int epoch)
    {
        Console.Error.WriteLine(checkpoint is null
            ? $"backprop: {Name}: stopped in epoch {epoch} without a checkpoint (give --checkpoint FILE to be able to resume); --out not written"
            : $"backprop: {Name}: stopped in epoch {epoch}; checkpoint saved to {checkpoint} (run the same command with --resume to continue)");
        return ExitCode;
    }

    private void Handle(PosixSignalContext context)
    {
        if (Signal is not null) return; // the second signal: let the default action end the process
        Signal = context.Signal;
        context.Cancel = true;
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _stop.Dispose();
    }
}
