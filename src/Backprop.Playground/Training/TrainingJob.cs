using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Backprop.Data;
using Backprop.Layers;
using Backprop.Model;
using Backprop.Playground.Walk;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Playground.Training;

/// <summary>
/// One training run of a tab: the existing <see cref="Trainer{T}"/> in float32 (as <c>backprop train</c>),
/// epoch after epoch. After an epoch, at most every <see cref="SnapshotInterval"/>, it publishes a snapshot
/// (losses, accuracies, gradient norm per layer, the decision boundary of 2-D data) for the page. The server
/// runs it on a thread of its own (<see cref="Run"/>, stopped between two batches when cancelled); the
/// browser's worker, which has one thread, runs it a slice at a time (<see cref="RunFor"/>) and reads its
/// messages in between.
/// </summary>
public sealed class TrainingJob
{
    /// <summary>Time between two snapshots: about 30 page updates a second.</summary>
    public static readonly TimeSpan SnapshotInterval = TimeSpan.FromMilliseconds(30);

    /// <summary>Time between two decision boundaries in the snapshots: about 10 a second.</summary>
    public static readonly TimeSpan BoundaryInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Cells per side of the decision-boundary grid.</summary>
    public const int Grid = 48;

    private readonly Network<float> _network;
    private readonly Trainer<float> _trainer;
    private readonly Dataset _train, _test;
    private readonly TrainSettings _settings;
    private readonly List<EpochReport> _history = [];
    private readonly Stopwatch _sinceSnapshot = new(), _sinceBoundary = new();
    private readonly int _firstEpoch;
    private readonly bool _untilStopped;
    private int _epoch;
    private bool _over;
    private bool _chartsShown = true;
    private long _version;
    private string? _latest;
    private string? _initial;

    /// <summary>A run on <paramref name="problem"/>; it goes on counting from the epochs <paramref name="earlier"/> runs trained its network for.</summary>
    internal TrainingJob(Problem problem, TrainSettings settings, IReadOnlyList<EpochReport>? earlier = null)
    {
        Problem = problem;
        var train = problem.Train ?? throw new BackpropException("this problem has no data to train on");
        _history.AddRange(earlier ?? []);
        _firstEpoch = _history.Count == 0 ? 0 : _history[^1].Epoch;
        _untilStopped = settings.UntilStopped;
        if (settings.UntilStopped) settings = settings with { Epochs = Math.Max(1, Limits.MaxEpochs - _firstEpoch) };
        _network = problem.Spec.Build<float>();
        if (_network.Inputs != train.FeatureCount)
            throw new BackpropException($"the network takes {_network.Inputs} inputs but {train.Name} has {train.FeatureCount} features");
        Batcher.EncodingFor(train, _network.Loss.Name, _network.Outputs); // shape errors before any work
        _train = train;
        _test = problem.Test ?? train;
        _settings = settings;
        _trainer = new Trainer<float>(_network, Optimizer<float>.Create(settings.Optimizer, settings.Lr, 0, 0), settings.Batch, settings.Seed);
    }

    /// <summary>The problem the run started from; the trained network replaces its own when the run ends.</summary>
    internal Problem Problem { get; }

    /// <summary>Grows by one with every snapshot.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The snapshot of epoch 0 (the untrained network), which the stream sends before any other; null for a run that goes on from an earlier one.</summary>
    public string? Initial => Volatile.Read(ref _initial);

    /// <summary>The latest snapshot as JSON, or null before the first.</summary>
    public string? Latest => Volatile.Read(ref _latest);

    /// <summary>After a <see cref="RunFor"/> slice that the pace ended: how long until the next epoch is due (else zero).</summary>
    public TimeSpan Wait { get; private set; }

    /// <summary>
    /// Whether the page shows the run's charts (true to start with). While it does not, snapshots carry no decision
    /// boundary and no weights but the last one: in the browser's one-threaded worker they are the costliest part of a
    /// slice (a 48×48 forward pass, thousands of numbers written), and an edit in the Walk view would wait for them.
    /// May be set from another thread.
    /// </summary>
    public bool ChartsShown
    {
        get => Volatile.Read(ref _chartsShown);
        set => Volatile.Write(ref _chartsShown, value);
    }

    /// <summary>True once every epoch ran or the run was stopped.</summary>
    public bool IsOver => Volatile.Read(ref _over);

    /// <summary>Epochs completed so far (a copy).</summary>
    internal IReadOnlyList<EpochReport> History
    {
        get { lock (_history) return [.. _history]; }
    }

    /// <summary>Trains until the epochs are done or <paramref name="cancel"/> fires; returns the trained network as a spec.</summary>
    public NetworkSpec Run(CancellationToken cancel)
    {
        RunFor(Timeout.InfiniteTimeSpan, cancel);
        return Trained();
    }

    /// <summary>
    /// Trains whole epochs until <paramref name="budget"/> has passed (at least one epoch; infinite: to the end)
    /// or the run is over; true once it is over. A cancelled run stops between two batches.
    /// </summary>
    public bool RunFor(TimeSpan budget, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        Wait = TimeSpan.Zero;
        if (!_sinceSnapshot.IsRunning) _sinceSnapshot.Start();
        try
        {
            if (_epoch == 0 && _firstEpoch == 0 && Initial is null)
            {
                // Epoch 0: the untrained network, so that the curves start where training starts.
                var train = Trainer<float>.Evaluate(_network, _train);
                var test = Trainer<float>.Evaluate(_network, _test);
                Publish(new EpochReport(0, train.Loss, train.Accuracy, test, 0, 0), done: false);
                Volatile.Write(ref _initial, _latest);
                // A slice ends here, so that its caller sends epoch 0 before any later snapshot replaces it.
                if (budget != Timeout.InfiniteTimeSpan) return false;
            }
            var epochClock = new Stopwatch();
            while (!IsOver)
            {
                epochClock.Restart();
                // Stopped (null): the trainer finished the batch at hand; the last complete epoch stands.
                var report = _trainer.TrainEpoch(_train, _test, cancel) ?? throw new OperationCanceledException(cancel);
                report = report with { Epoch = _firstEpoch + report.Epoch };
                lock (_history) _history.Add(report);
                bool last = ++_epoch == _settings.Epochs;
                if (last || _sinceSnapshot.Elapsed >= SnapshotInterval)
                {
                    Publish(report, done: last);
                    _sinceSnapshot.Restart();
                }
                if (last)
                {
                    Volatile.Write(ref _over, true);
                    break;
                }
                // The pace: each epoch lasts at least Pace ms, so that the eye can follow the run. A thread waits;
                // a slice (the browser's worker) ends here and says when the next epoch is due.
                var wait = TimeSpan.FromMilliseconds(_settings.Pace) - epochClock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    if (budget != Timeout.InfiniteTimeSpan)
                    {
                        Wait = wait;
                        return false;
                    }
                    // Whole milliseconds, rounded up: WaitOne truncates, and epochs then ran a little faster than the pace.
                    if (cancel.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)))) throw new OperationCanceledException(cancel);
                }
                if (budget != Timeout.InfiniteTimeSpan && clock.Elapsed >= budget) return false;
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Stop();
        }
        return true;
    }

    /// <summary>Ends the run after its last complete epoch, which becomes the final snapshot.</summary>
    public void Stop()
    {
        if (IsOver) return;
        Volatile.Write(ref _over, true);
        // The last complete epoch of this run stands (none yet: the curves end where they are).
        if (History is [.., var last] && last.Epoch > _firstEpoch) Publish(last, done: true);
    }

    /// <summary>The network as trained so far.</summary>
    public NetworkSpec Trained() => NetworkSpec.From(_network);

    /// <summary>The history as CSV, one line per epoch.</summary>
    public string HistoryCsv()
    {
        var sb = new StringBuilder("epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n");
        foreach (var r in History)
            sb.Append(CultureInfo.InvariantCulture, $"{r.Epoch},{r.TrainLoss:R},{r.TrainAccuracy:R},{r.Test?.Loss:R},{r.Test?.Accuracy:R},{r.Seconds:R}\n");
        return sb.ToString();
    }

    /// <summary>
    /// Every dense layer's W (inputs × outputs) for the page's weight diagram: the training network's own
    /// float32 values.
    /// </summary>
    private JsonArray Weights()
    {
        var layers = new JsonArray();
        foreach (var dense in _network.DenseLayers)
        {
            var w = dense.Weights.Value;
            var rows = new JsonArray();
            for (int i = 0; i < w.Rows; i++)
            {
                var row = new JsonArray();
                foreach (float v in w.Row(i)) row.Add((JsonNode)v);
                rows.Add((JsonNode)row);
            }
            layers.Add((JsonNode)rows);
        }
        return layers;
    }

    private void Publish(EpochReport report, bool done)
    {
        var norms = new JsonArray();
        foreach (var dense in _network.DenseLayers) norms.Add((JsonNode)Norm(dense.Weights.Gradient));
        var snapshot = new JsonObject
        {
            ["epoch"] = report.Epoch,
            ["epochs"] = _untilStopped ? null : _firstEpoch + _settings.Epochs,
            ["done"] = done,
            ["classification"] = _train.IsClassification,
            ["train_loss"] = Finite(report.TrainLoss),
            // Accuracy means something for classes only: a regression (an article's net) gets null.
            ["train_accuracy"] = _train.IsClassification ? Finite(report.TrainAccuracy) : null,
            ["test_loss"] = Finite(report.Test?.Loss ?? double.NaN),
            ["test_accuracy"] = _train.IsClassification ? Finite(report.Test?.Accuracy ?? double.NaN) : null,
            ["samples_per_second"] = Finite(report.SamplesPerSecond),
            ["grad_norms"] = norms,
        };
        // The decision boundary (a forward pass over 48×48 points, more than the epoch's own work on small data)
        // at most every BoundaryInterval, and always first and last: the eye follows it at that rate, and the
        // browser's one-threaded worker answers edits sooner between cheaper slices. Neither it nor the weights
        // while the charts are hidden (ChartsShown), but always in the last snapshot.
        bool charts = done || ChartsShown;
        if (charts && _train.FeatureCount == 2 && _train.IsClassification && (done || !_sinceBoundary.IsRunning || _sinceBoundary.Elapsed >= BoundaryInterval))
        {
            snapshot["boundary"] = Boundary();
            _sinceBoundary.Restart();
        }
        // The weight diagram redraws at a third of the snapshot rate (about 10 a second) and always at the end:
        // its thousands of numbers are the snapshot's costliest part, and the eye needs no more.
        if (charts && (done || Interlocked.Read(ref _version) % 3 == 0)) snapshot["weights"] = Weights();
        Volatile.Write(ref _latest, snapshot.ToJsonString());
        Interlocked.Increment(ref _version);
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    private static double Norm(Matrix<float> m)
    {
        double sum = 0;
        foreach (float v in m.Span) sum += (double)v * v;
        return Math.Sqrt(sum);
    }

    /// <summary>The predicted class on a grid over the training points (the heat map), and the points themselves.</summary>
    private JsonObject Boundary()
    {
        float x0 = float.MaxValue, x1 = float.MinValue, y0 = float.MaxValue, y1 = float.MinValue;
        for (int i = 0; i < _train.Count; i++)
        {
            var r = _train.Row(i);
            (x0, x1, y0, y1) = (Math.Min(x0, r[0]), Math.Max(x1, r[0]), Math.Min(y0, r[1]), Math.Max(y1, r[1]));
        }
        float padX = (x1 - x0) * 0.1f + 1e-3f, padY = (y1 - y0) * 0.1f + 1e-3f;
        (x0, x1, y0, y1) = (x0 - padX, x1 + padX, y0 - padY, y1 + padY);
        var grid = new Matrix<float>(Grid * Grid, 2);
        for (int gy = 0; gy < Grid; gy++)
            for (int gx = 0; gx < Grid; gx++)
            {
                grid[gy * Grid + gx, 0] = x0 + (x1 - x0) * (gx + 0.5f) / Grid;
                grid[gy * Grid + gx, 1] = y1 - (y1 - y0) * (gy + 0.5f) / Grid; // row 0 at the top
            }
        var output = _network.Forward(grid);
        var cells = new JsonArray();
        for (int r = 0; r < grid.Rows; r++) cells.Add((JsonNode)Metrics.Predict(output, r, _network.Loss.Name));
        var points = new JsonArray();
        int step = Math.Max(1, _train.Count / 600);
        for (int i = 0; i < _train.Count; i += step)
        {
            var r = _train.Row(i);
            points.Add((JsonNode)new JsonArray(r[0], r[1], _train.Labels![i]));
        }
        return new JsonObject { ["n"] = Grid, ["x0"] = x0, ["x1"] = x1, ["y0"] = y0, ["y1"] = y1, ["classes"] = _train.Classes, ["cells"] = cells, ["points"] = points };
    }
}
