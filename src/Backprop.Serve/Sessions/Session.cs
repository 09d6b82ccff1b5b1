using Backprop.Playground;

namespace Backprop.Serve.Sessions;

/// <summary>
/// One tab: its playground state, and its training run if any. Requests of one tab take <see cref="Gate"/>
/// in turn; training works on its own network and hands the result back.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "a CancellationTokenSource without a timer holds nothing to release, and a stream may still link to it")]
internal sealed class Session(string id, DateTimeOffset now)
{
    private CancellationTokenSource? _training;

    public string Id { get; } = id;

    /// <summary>One request of this tab at a time.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public DateTimeOffset LastUsed { get; set; } = now;

    /// <summary>What the tab computes: problem, trace, edits, training runs.</summary>
    public PlaygroundState Playground { get; } = new();

    /// <summary>Registers a new run (stopping the one before) and returns the token that stops it.</summary>
    public CancellationToken StartTraining()
    {
        StopTraining();
        _training = new CancellationTokenSource();
        return _training.Token;
    }

    /// <summary>Asks the current run to stop after its current batch.</summary>
    public void StopTraining()
    {
        try { _training?.Cancel(); }
        catch (ObjectDisposedException) { }
    }
}
