using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Backprop.IO;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop analyze</c>: why backpropagation behaves as it does, on the user's own network, with numbers and a picture.</summary>
internal static class AnalyzeCommand
{
    public static Command Create() => new("analyze", "Gradient flow, initialization, training memory and loss scaling of a network, with plots.")
    {
        AnalyzeGradientsCommand.Create(),
        AnalyzeInitCommand.Create(),
        AnalyzeMemoryCommand.Create(),
        AnalyzeLossScalingCommand.Create(),
    };

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, // NaN marks "not defined here" (the output layer has no σ′)
        WriteIndented = true,
    };

    public static void PrintJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Fails before the work, not after it, when the picture's format is not known.</summary>
    public static void CheckPlotPath(string? path)
    {
        if (path is null) return;
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".svg" or ".png")) throw new BackpropException($"--out {path}: the picture format comes from the extension, .svg or .png");
        AtomicFile.CheckWritable(path, "--out ");
    }

    public static int[] ParseList(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out values[i]) || values[i] < 1)
                throw new BackpropException($"{option} '{text}': '{parts[i]}' is not a positive whole number (write a list such as 2,5,10)");
        if (values.Length == 0) throw new BackpropException($"{option} is empty (write a list such as 2,5,10)");
        return values;
    }

    /// <summary>Numbers that span many orders of magnitude, compactly.</summary>
    public static string Number(double x) => double.IsNaN(x) ? "–" : x == 0 ? "0" : Math.Abs(x) is >= 1e-3 and < 1e4 ? x.ToString("G3") : x.ToString("0.00e+0");

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.00} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
