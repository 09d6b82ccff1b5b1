using Backprop.Explain;
using Backprop.Explain.Steps;
using Backprop.Serve.Training;
using Backprop.Serve.Walk;

namespace Backprop.Serve.Sessions;

/// <summary>
/// One tab's state: its problem, the trace of it the views read, and its training run if any. Requests of
/// one tab take <see cref="Gate"/> in turn; training works on its own network and hands the result back.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "a CancellationTokenSource without a timer holds nothing to release, and a stream may still link to it")]
internal sealed class Session(string id, DateTimeOffset now)
{
    private CancellationTokenSource? _training;

    public string Id { get; } = id;

    /// <summary>One request of this tab at a time.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public DateTimeOffset LastUsed { get; set; } = now;

    public Problem? Problem { get; private set; }
    public Trace? Trace { get; private set; }
    public IReadOnlyList<TraceStep> Steps { get; private set; } = [];
    /// <summary>The state JSON of the current problem (see <see cref="StateJson"/>).</summary>
    public string? State { get; private set; }

    /// <summary>The latest training run (finished or not), for the history download.</summary>
    public TrainingJob? Job { get; private set; }

    /// <summary>
    /// The epochs trained so far on the current problem's network (empty after a load, an upload or an edit): a
    /// new run goes on counting from them.
    /// </summary>
    public IReadOnlyList<Backprop.Training.EpochReport> Trained { get; private set; } = [];

    /// <summary>Makes the network <paramref name="job"/> trained current, keeping its epochs for the next run.</summary>
    public string SetTrained(Problem problem, TrainingJob job)
    {
        string state = SetProblem(problem);
        Trained = job.History;
        return state;
    }

    /// <summary>Makes <paramref name="problem"/> current once it traces without error; the previous one stays otherwise.</summary>
    public string SetProblem(Problem problem)
    {
        var trace = problem.Record();
        var steps = StepTrace.Build(trace);
        string state = StateJson.Write(problem, trace, steps);
        (Problem, Trace, Steps, State) = (problem, trace, steps, state);
        Trained = [];
        return state;
    }

    /// <summary>The current problem, or a 400 naming what to do first.</summary>
    public Problem RequireProblem() => Problem ?? throw new BackpropException("no example loaded yet: choose one first");

    /// <summary>Registers a new run (stopping the one before) and returns the token that stops it.</summary>
    public CancellationToken StartTraining(TrainingJob job)
    {
        StopTraining();
        Job = job;
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
