using System.Globalization;
using System.Text;
using Backprop.Training;

namespace Backprop.Cli.Commands;

/// <summary>train's per-epoch history: a CSV for spreadsheets and plotting scripts, and rows for the --json summary.</summary>
internal static class TrainingHistory
{
    public const string Header = "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,samples_per_second";

    /// <summary>One line per epoch; the accuracy columns are empty for regression.</summary>
    public static string Csv(IReadOnlyList<EpochReport> history, bool classification)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var h in history)
            sb.Append(string.Join(',', h.Epoch.ToString(CultureInfo.InvariantCulture), N(h.TrainLoss), classification ? N(h.TrainAccuracy) : "",
                h.Test is { } t ? N(t.Loss) : "", classification && h.Test is { } a ? N(a.Accuracy) : "", N(h.Seconds), N(h.SamplesPerSecond))).Append('\n');
        return sb.ToString();
    }

    /// <summary>The same rows for JSON (null where a value is undefined).</summary>
    public static List<Dictionary<string, object?>> Rows(IReadOnlyList<EpochReport> history, bool classification) =>
        [.. history.Select(h => new Dictionary<string, object?>
        {
            ["epoch"] = h.Epoch,
            ["train_loss"] = Inputs.JsonNumber(h.TrainLoss),
            ["train_accuracy"] = classification ? Inputs.JsonNumber(h.TrainAccuracy) : null,
            ["test_loss"] = h.Test is { } t ? Inputs.JsonNumber(t.Loss) : null,
            ["test_accuracy"] = classification && h.Test is { } a ? Inputs.JsonNumber(a.Accuracy) : null,
        })];

    private static string N(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
