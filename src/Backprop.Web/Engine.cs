using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;
using Backprop.Playground;
using Backprop.Playground.Analysis;
using Backprop.Playground.Training;

namespace Backprop.Web;

/// <summary>
/// The playground core in the browser: the worker (wwwroot/worker.js) passes each request of the page here
/// by name, with the query and body docs/serve.md gives it, and gets back the answer the server would send.
/// The worker has one thread, so a training run advances a slice at a time (<c>train/step</c>) and the
/// worker reads its messages in between.
/// </summary>
[SupportedOSPlatform("browser")]
internal static partial class Engine
{
    private const string Json = "application/json; charset=utf-8";

    /// <summary>Time one <c>train/step</c> trains for before the worker looks at its messages again.</summary>
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(5);

    // Numbers apart: a state's matrices come out of Numbers() as float64 values, not formatted into its JSON.
    private static readonly PlaygroundState State = new(numbersApart: true);
    private static TrainingJob? _job;
    private static long _sent;

    /// <summary>
    /// One request: <paramref name="op"/> is the path after <c>/api/s/{id}/</c> (<c>load</c>, <c>edit</c>,
    /// <c>paths</c>, <c>download/network.json</c>, <c>train</c>, <c>train/step</c>, ...). Answers
    /// "status\ncontent type\nbody"; a refused request is a 4xx with <c>{"error": "..."}</c>, as from the server.
    /// </summary>
    [JSExport]
    internal static string Call(string op, string query, string body)
    {
        try
        {
            State.TakeNumbers(); // an earlier answer's, if the worker did not take them
            var (text, type) = Answer(op, query, body);
            return $"200\n{type}\n{text}";
        }
        catch (BackpropException e)
        {
            return Error(400, e.Message);
        }
        catch (OutOfMemoryException)
        {
            return Error(413, "out of memory: the request is too large");
        }
        catch (Exception e)
        {
            // A bug of ours: still one line and no stack trace, with a status that says so.
            return Error(500, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// The values of the matrices of the last answer, where its JSON has <c>{"$f64": offset, "rows", "cols"}</c>
    /// (see <see cref="PlaygroundState.TakeNumbers"/>); empty after any other answer. The worker puts them back.
    /// </summary>
    [JSExport]
    [return: JSMarshalAs<JSType.Array<JSType.Number>>]
    internal static double[] Numbers() => State.TakeNumbers();

    private static (string Text, string Type) Answer(string op, string query, string body)
    {
        switch (op)
        {
            case "examples": return (PlaygroundState.Examples(), Json);
            case "load": return (State.Load(body), Json);
            case "state": return (State.State(), Json);
            case "trace": return (State.Trace(), Json);
            case "edit": return (State.Edit(body, query), Json);
            case "data": return (State.UploadCsv(query, body), Json);
            case "network": return (State.UploadNetwork(body), Json);
            case "paths": return (State.Paths(query), Json);
            case "descent": return (State.Descent(query), Json);
            case "node": return (State.Node(query), Json);
            case "rehearse":
                State.Rehearse(query);
                return ("{}", Json);
            case "train":
                _job = State.StartTraining(query);
                _sent = 0;
                return ("{}", Json);
            case "train/step":
                return (Step(), Json);
            case "train/stop":
                _job?.Stop();
                return ("{}", Json);
            case "train/charts":
                State.ShowCharts(query);
                return ("{}", Json);
            case "train/finish":
                if (_job is { } done) State.FinishTraining(done);
                _job = null;
                return ("{}", Json);
            default:
                if (op.StartsWith("analyze/", StringComparison.Ordinal)) return (Studies.Run(op["analyze/".Length..], query), Json);
                if (op.StartsWith("download/", StringComparison.Ordinal))
                {
                    var d = State.Download(op["download/".Length..]);
                    return (d.Text, d.ContentType);
                }
                throw new BackpropException($"no such request: '{op}'");
        }
    }

    /// <summary>
    /// Trains for one slice: <c>{"over": bool, "wait": ms until the pace allows the next epoch, "snapshot": the
    /// latest snapshot if it is new, else null}</c>.
    /// </summary>
    private static string Step()
    {
        var job = _job ?? throw new BackpropException("no training run: start one first");
        bool over = job.RunFor(Slice);
        string snapshot = "null";
        if (job.Version != _sent && job.Latest is { } latest)
        {
            _sent = job.Version;
            snapshot = latest;
        }
        int wait = (int)Math.Ceiling(job.Wait.TotalMilliseconds);
        return $"{{\"over\":{(over ? "true" : "false")},\"wait\":{wait},\"snapshot\":{snapshot}}}";
    }

    private static string Error(int status, string message) =>
        $"{status}\n{Json}\n{new System.Text.Json.Nodes.JsonObject { ["error"] = message }.ToJsonString()}";
}
