using System.Text.Json.Nodes;
using Backprop.Explain;
using Backprop.Explain.Paths;
using Backprop.Explain.Report;
using Backprop.Explain.Steps;
using Backprop.Explain.Svg;
using Backprop.IO;
using Backprop.Playground.Requests;
using Backprop.Playground.Training;
using Backprop.Playground.Walk;

namespace Backprop.Playground;

/// <summary>
/// Everything one page computes, whoever carries its requests (a local server or a browser's Web Worker):
/// its problem, the trace of it the views read, and its latest training run. Requests and answers are the
/// JSON texts of docs/serve.md; a bad request throws a <see cref="BackpropException"/> with one line, and the
/// state stays as it was.
/// </summary>
public sealed class PlaygroundState
{
    private const string Json = "application/json; charset=utf-8";

    private Problem? _problem;
    private Trace? _trace;
    private IReadOnlyList<TraceStep> _steps = [];
    private string? _state;
    private TrainingJob? _job;
    private IReadOnlyList<Backprop.Training.EpochReport> _trained = [];
    private readonly bool _numbersApart;
    private volatile bool _chartsShown = true;
    private double[] _stateNumbers = [], _answerNumbers = [];

    /// <summary>A page's state; see <see cref="TakeNumbers"/> for <paramref name="numbersApart"/>.</summary>
    public PlaygroundState(bool numbersApart = false) => _numbersApart = numbersApart;

    /// <summary>
    /// With numbers apart, the matrices of the last state answered (load, state, edit, an upload, descent) are
    /// <c>{"$f64": offset, "rows", "cols"}</c> in its JSON and their values are here, in order (empty after any
    /// other answer); the browser's worker puts them back. Without, always empty: the JSON holds every number.
    /// </summary>
    public double[] TakeNumbers()
    {
        var numbers = _answerNumbers;
        _answerNumbers = [];
        return numbers;
    }

    /// <summary>The articles' example names (<c>GET examples</c>).</summary>
    public static string Examples() => new JsonArray([.. Explain.Examples.Names.Select(n => (JsonNode?)n)]).ToJsonString();

    /// <summary><c>POST load</c>: an article's example or a data set with an architecture; answers the state.</summary>
    public string Load(string body)
    {
        var r = RequestJson.Parse(body, RequestJson.Default.LoadRequest);
        var problem = Array.IndexOf(Data.Synthetic.Names, r.Example) >= 0
            ? ProblemSources.DataSet(r.Example, r.Layers ?? LoadRequest.DefaultLayers, r.Activation ?? LoadRequest.DefaultActivation, r.Loss ?? LoadRequest.DefaultLoss, r.Seed ?? 1)
            : ProblemSources.Example(r.Example);
        return SetProblem(problem);
    }

    /// <summary><c>GET state</c>: the state of the current problem.</summary>
    public string State()
    {
        if (_state is null)
        {
            // Not written when an edit answered with its descent (see Edit): written now, once.
            var problem = RequireProblem();
            (_state, _stateNumbers) = Written(numbers => StateJson.Write(problem, _trace!, _steps, numbers));
        }
        _answerNumbers = _stateNumbers;
        return _state;
    }

    /// <summary><c>GET trace</c>: <c>explain --format json</c> of the current network and batch.</summary>
    public string Trace() => JsonTrace.Write(_trace ?? throw NothingLoaded(), _steps);

    /// <summary>
    /// <c>POST edit</c>: one value, the activation or the loss; answers the new state, or with <c>?lr=η</c> in
    /// <paramref name="query"/> the new state's descent (as <c>GET descent?lr=η</c> then would), in one request.
    /// </summary>
    public string Edit(string body, string? query = null)
    {
        var edit = RequestJson.Parse(body, RequestJson.Default.Edit);
        var problem = edit.ApplyTo(RequireProblem().DeepCopy());
        if (Query.Parse(query)["lr"] is null) return SetProblem(problem);
        // The first article's page walks on past the gradients: the descent is its answer, and the plain state
        // is written only if asked for. The descent is computed first, so that a bad η changes nothing.
        var (descent, values) = Written(numbers => DescentState.Write(problem, query, numbers));
        SetProblem(problem, answer: false);
        _answerNumbers = values;
        return descent;
    }

    /// <summary>
    /// An edit's work, thrown away: <see cref="Edit"/> itself, of w¹₁₁ (with <c>lr</c> in <paramref name="query"/>,
    /// answering the descent), on a scratch state that shares this one's problem (an edit copies the problem
    /// before it changes it); this state does not change. The browser's worker runs it a few times after a load,
    /// while the page draws: a fresh WebAssembly runtime runs each method cold at first (interpreted, then
    /// compiled trace by trace), and a page's first edit of 2-64-64-2 took 80 ms in the worker where the third
    /// took 25.
    /// </summary>
    public void Rehearse(string? query = null) =>
        new PlaygroundState(_numbersApart) { _problem = RequireProblem() }.Edit(RehearsedEdit, query);

    private const string RehearsedEdit = """{"target": "W", "layer": 1, "row": 1, "col": 1, "value": 0.5}""";

    /// <summary><c>POST data?name=..&amp;layers=..&amp;activation=..&amp;loss=..</c>: an MLP on an uploaded CSV data set.</summary>
    public string UploadCsv(string query, string text)
    {
        CheckUpload(text.Length, "the CSV file");
        var q = Query.Parse(query);
        return SetProblem(ProblemSources.CsvUpload(q["name"] ?? "upload.csv", text,
            q["layers"] ?? LoadRequest.DefaultLayers, q["activation"] ?? LoadRequest.DefaultActivation, q["loss"] ?? LoadRequest.DefaultLoss, 1));
    }

    /// <summary><c>POST network</c>: a network file (JSON text, or the base64 bytes of any format) with its batch as CSV.</summary>
    public string UploadNetwork(string body)
    {
        CheckUpload(body.Length, "the network upload");
        var u = RequestJson.Parse(body, RequestJson.Default.NetworkUpload);
        var problem = u.NetworkBase64 is { } encoded
            ? ProblemSources.NetworkUpload(Base64(encoded), u.NetworkName ?? "network", u.Inputs ?? "", u.Targets ?? "")
            : ProblemSources.NetworkUpload(u.Network ?? "", u.Inputs ?? "", u.Targets ?? "");
        return SetProblem(problem);
    }

    /// <summary><c>GET paths?weight=L:i:j</c> or <c>?bias=L:j</c>: the path sums of one parameter, with their diagram.</summary>
    public string Paths(string query)
    {
        var trace = _trace ?? throw NothingLoaded();
        var q = Query.Parse(query);
        var target = q["weight"] is { } w ? PathTarget.Parse(PathTarget.Kind.Weight, w, trace)
            : q["bias"] is { } b ? PathTarget.Parse(PathTarget.Kind.Bias, b, trace)
            : throw new BackpropException("give weight=L:i:j or bias=L:j (counted from 1)");
        var sum = PathSums.Explain(trace, target);
        var paths = JsonNode.Parse(JsonTrace.Write(trace, [], sum))!["paths"]!.DeepClone().AsObject();
        paths["svg"] = Diagrams.Draw(trace, DiagramKind.Paths, target);
        return paths.ToJsonString();
    }

    /// <summary><c>GET descent?lr=..</c>: the state, its walk continued by the update W ← W − η·∂E/∂W and the next forward pass.</summary>
    public string Descent(string query)
    {
        string state;
        (state, _answerNumbers) = Written(numbers => DescentState.Write(RequireProblem(), query, numbers));
        return state;
    }

    /// <summary>An answer's JSON, written with its matrices' numbers apart when this state keeps them apart (see <see cref="TakeNumbers"/>).</summary>
    private (string Json, double[] Numbers) Written(Func<List<double>?, string> write)
    {
        var numbers = _numbersApart ? new List<double>() : null;
        string json = write(numbers);
        return (json, numbers is null ? [] : [.. numbers]);
    }

    /// <summary><c>GET node?layer=..&amp;unit=..&amp;direction=forward|backward</c>: the third article's picture of one node, <c>{"svg": "..."}</c>.</summary>
    public string Node(string query) => NodePicture.Draw(_trace ?? throw NothingLoaded(), query);

    /// <summary>
    /// <c>GET train?optimizer=..&amp;lr=..&amp;batch=..&amp;epochs=..&amp;seed=..&amp;pace=..</c>: a new run on the current
    /// problem (which it copies), to be driven by the caller; bad settings throw before anything starts.
    /// </summary>
    public TrainingJob StartTraining(string query)
    {
        // A second run on a trained network goes on counting from the epochs it was trained for.
        var job = new TrainingJob(RequireProblem(), TrainSettings.FromQuery(Query.Parse(query)), _trained) { ChartsShown = _chartsShown };
        _job = job;
        return job;
    }

    /// <summary>
    /// <c>POST train/charts?shown=0|1</c>: whether the page shows the training charts, for this run and the next
    /// (see <see cref="TrainingJob.ChartsShown"/>). Safe beside a running job: it sets two flags.
    /// </summary>
    public void ShowCharts(string? query)
    {
        bool shown = Query.Parse(query)["shown"] switch
        {
            "1" => true,
            "0" => false,
            var other => throw new BackpropException($"train/charts: shown must be 0 or 1, got '{other}'"),
        };
        _chartsShown = shown;
        if (_job is { } job) job.ChartsShown = shown;
    }

    /// <summary>
    /// Puts the network <paramref name="job"/> trained in place of the one it started from, so the Walk shows it;
    /// nothing if that network was replaced meanwhile (a load, an upload or an edit wins over the run's end).
    /// </summary>
    public void FinishTraining(TrainingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        // A load, an upload or an edit since the run started replaced the network it trained: the newer one stays.
        if (!ReferenceEquals(job.Problem, _problem)) return;
        SetProblem(job.Problem with { Spec = job.Trained() }, answer: false); // the page asks for the state next
        _trained = job.History;
    }

    /// <summary><c>GET download/{file}</c>: network.json, diagram.svg, report.html or history.csv.</summary>
    public Download Download(string file)
    {
        var trace = _trace ?? throw NothingLoaded();
        return file switch
        {
            "network.json" => new(NetworkJson.Write(RequireProblem().Spec), Json),
            "diagram.svg" => new(Diagrams.Draw(trace, DiagramKind.Forward), "image/svg+xml"),
            "report.html" => new(HtmlReport.Write(trace, _steps, null, diagrams: true), "text/html; charset=utf-8"),
            "history.csv" => new(_job?.HistoryCsv() ?? throw new BackpropException("nothing trained yet: start training first"), "text/csv"),
            _ => throw new BackpropException($"no download '{file}' (expected network.json, diagram.svg, report.html or history.csv)"),
        };
    }

    /// <summary>
    /// Makes <paramref name="problem"/> current once it traces without error; the previous one stays otherwise.
    /// Answers its state, or with <paramref name="answer"/> false leaves it to be written when asked for.
    /// </summary>
    private string SetProblem(Problem problem, bool answer = true)
    {
        var trace = problem.Record();
        var steps = StepTrace.Build(trace);
        (_problem, _trace, _steps, _state, _stateNumbers) = (problem, trace, steps, null, []);
        _trained = []; // a load, an upload or an edit: a new network, whose epochs start at 0
        return answer ? State() : "";
    }

    private Problem RequireProblem() => _problem ?? throw NothingLoaded();

    private static BackpropException NothingLoaded() => new("no example loaded yet: choose one first");

    private static void CheckUpload(long length, string what)
    {
        if (length > Limits.MaxUploadBytes)
            throw new BackpropException($"{what} has {length:N0} characters, over the limit of {Limits.MaxUploadBytes:N0}: it was not read");
    }

    private static byte[] Base64(string text)
    {
        try { return Convert.FromBase64String(text); }
        catch (FormatException) { throw new BackpropException("uploaded network: network_base64 is not valid base64"); }
    }
}
