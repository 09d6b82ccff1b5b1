using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Backprop.Data;
using Backprop.IO;
using Backprop.Model;
using Backprop.Training;

namespace Backprop.Cli.Commands;

/// <summary>
/// train's --checkpoint, --checkpoint-every and --resume: saves the trainer's whole state with the settings
/// of the run, and resumes only a run whose settings are the same (so the result is the same bits).
/// </summary>
internal sealed class TrainCheckpoint
{
    private static readonly Option<string?> PathOption = new("--checkpoint") { Description = "save the training state here after every epoch (and every --checkpoint-every batches)" };
    private static readonly Option<int> Every = new("--checkpoint-every") { Description = "also save the checkpoint every N batches (0: after each epoch only)", DefaultValueFactory = _ => 0 };
    private static readonly Option<bool> Resume = new("--resume") { Description = "continue from the --checkpoint file if it exists (else start fresh)" };

    // Options that may differ between a run and its resumption without changing the numbers it computes.
    private static readonly HashSet<string> MayDiffer = ["--epochs", "--threads", "--out", "--json", "--history", "--plot", "--checkpoint", "--checkpoint-every", "--resume", "--help"];

    /// <summary>Environment variable for tests: pause this many milliseconds half-way through each checkpoint write.</summary>
    public const string PauseVariable = "BACKPROP_TEST_PAUSE_CHECKPOINT_WRITE_MS";

    private readonly Func<byte[]> _state;
    private readonly Dictionary<string, string> _settings;
    private readonly int _every;

    private TrainCheckpoint(string path, int every, Dictionary<string, string> settings, Func<byte[]> state, List<EpochReport> history)
    {
        Path = path;
        _every = every;
        _settings = settings;
        _state = state;
        History = history;
    }

    public string Path { get; }

    /// <summary>The epochs finished so far (restored from the checkpoint when resuming).</summary>
    public List<EpochReport> History { get; }

    /// <summary>Whether this run asks for a checkpoint (--checkpoint given).</summary>
    public static bool Requested(ParseResult r) => r.GetValue(PathOption) is not null;

    public static void AddTo(Command command)
    {
        foreach (var option in new Option[] { PathOption, Every, Resume }) command.Options.Add(option);
    }

    /// <summary>
    /// Checks the options before any work; with --resume and an existing file, restores the trainer (refusing
    /// a checkpoint made with other settings, in one line that names the difference). Null without --checkpoint.
    /// </summary>
    public static TrainCheckpoint? Open<T>(ParseResult r, Trainer<T> trainer, Dataset train, int epochs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (r.GetValue(PathOption) is not { } path)
        {
            if (r.GetValue(Resume)) throw new BackpropException("--resume needs --checkpoint FILE");
            if (r.GetValue(Every) != 0) throw new BackpropException("--checkpoint-every needs --checkpoint FILE");
            return null;
        }
        AtomicFile.CheckWritable(path, "--checkpoint ");
        AtomicFile.RemoveStaleTemporaries(path); // left by a run killed while writing
        var settings = Settings(r, trainer.Network, train);
        var history = new List<EpochReport>();
        if (File.Exists(path))
        {
            if (!r.GetValue(Resume)) throw new BackpropException($"--checkpoint {path} exists: add --resume to continue from it, or remove it to start over");
            var saved = Checkpoint.Load(path);
            foreach (string key in saved.Settings.Keys.Union(settings.Keys).Order(StringComparer.Ordinal))
            {
                if (MayDiffer.Contains(key)) continue;
                string before = saved.Settings.GetValueOrDefault(key, "(not given)"), now = settings.GetValueOrDefault(key, "(not given)");
                if (before != now) throw new BackpropException($"--resume: {path} was made with {key} {before}, this run has {key} {now}");
            }
            if (saved.History.Count > epochs)
                throw new BackpropException($"--resume: {path} has already finished {saved.History.Count} epochs, more than --epochs {epochs}");
            trainer.RestoreState(saved.TrainerState, path);
            // The history bounds the epochs a restore replays shuffles for: a checkpoint cannot ask for more work than its size.
            if (trainer.EpochsDone != saved.History.Count)
                throw new BackpropException($"{path}: corrupt checkpoint ({saved.History.Count} epochs in its history, {trainer.EpochsDone} in its state)");
            history.AddRange(saved.History);
        }
        return new TrainCheckpoint(path, r.GetValue(Every), settings, trainer.SaveState, history);
    }

    /// <summary>After a batch: saves when --checkpoint-every says so.</summary>
    public void AfterBatch(int batchesDone)
    {
        if (_every > 0 && batchesDone % _every == 0) Save();
    }

    public void Save()
    {
        byte[] bytes = new Checkpoint(_settings, History, _state()).ToBytes();
        int pause = int.TryParse(Environment.GetEnvironmentVariable(PauseVariable), out int ms) ? ms : 0;
        AtomicFile.Write(Path, stream =>
        {
            stream.Write(bytes.AsSpan(0, bytes.Length / 2));
            if (pause > 0)
            {
                // Tests kill the process here, half-way through the write, to prove the old checkpoint survives.
                stream.Flush();
                Console.Error.WriteLine("backprop: test: checkpoint write paused");
                Thread.Sleep(pause);
            }
            stream.Write(bytes.AsSpan(bytes.Length / 2));
        });
    }

    /// <summary>
    /// The settings a run is defined by: every option of the verb as the parser resolved it (defaults
    /// included, so new options are covered without a list), the network it starts from, and the data.
    /// </summary>
    private static Dictionary<string, string> Settings<T>(ParseResult r, Model.Network<T> network, Dataset train) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in r.CommandResult.Command.Options)
        {
            if (option is System.CommandLine.Help.HelpOption || r.GetResult(option) is null && !option.HasDefaultValue) continue;
            object? value = r.GetValue<object?>(option.Name);
            settings[option.Name] = value switch
            {
                null => "(not given)",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var p in network.Parameters) hash.AppendData(MemoryMarshal.AsBytes(p.Value.Span));
        settings["initial network"] = $"{network} ({Hex(hash.GetHashAndReset())})";
        hash.AppendData(MemoryMarshal.AsBytes(train.Features.AsSpan()));
        if (train.Labels is { } labels) hash.AppendData(MemoryMarshal.AsBytes(labels.AsSpan()));
        if (train.Targets is { } targets) hash.AppendData(MemoryMarshal.AsBytes(targets.AsSpan()));
        settings["training data"] = $"{train.Name}: {train.Count} examples of {train.FeatureCount} features ({Hex(hash.GetHashAndReset())})";
        return settings;
    }

    private static string Hex(byte[] hash) => "sha256 " + Convert.ToHexStringLower(hash)[..16];
}
