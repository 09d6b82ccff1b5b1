using System.Diagnostics;
using System.Text.Json;

namespace Backprop.Bench;

/// <summary>Runs bench/reference.py with /usr/bin/python3 (PyTorch and numpy from Debian's packages).</summary>
internal sealed class Reference(Options options)
{
    private const string Python = "/usr/bin/python3";
    private readonly string _script = Path.Combine(Options.Root, "bench", "reference.py");
    private JsonElement? _check;

    public bool HasPython => File.Exists(Python) && File.Exists(_script);

    public string? TorchVersion => Check() is { } c && c.TryGetProperty("torch", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    public string? NumpyVersion => Check() is { } c && c.TryGetProperty("numpy", out var n) ? n.GetString() : null;

    public string Describe() => !HasPython ? $"{Python} or {_script} missing: no references"
        : $"PyTorch {TorchVersion ?? "NOT INSTALLED (apt-get install python3-torch libopenblas0-pthread)"}, numpy {NumpyVersion ?? "not installed"}";

    private JsonElement? Check() => _check ??= Run("check");

    /// <summary>Runs one mode; null when python or the module is missing (the table then says so).</summary>
    public JsonElement? Run(string mode, params string[] extra)
    {
        if (!HasPython) return null;
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(_script);
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add("--threads");
        start.ArgumentList.Add(options.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var a in extra) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            string last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
            if (process.ExitCode != 0 || !last.StartsWith('{'))
            {
                Console.Error.WriteLine($"reference.py {mode} failed: {stderr.Result.Trim()}");
                return null;
            }
            var json = JsonDocument.Parse(last).RootElement;
            if (json.TryGetProperty("error", out var error))
            {
                Console.Error.WriteLine($"reference.py {mode}: {error.GetString()}");
                return null;
            }
            return json;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"cannot run {Python}: {e.Message}");
            return null;
        }
    }
}
