using System.Diagnostics;
using System.Text.Json;

namespace Backprop.Bench;

/// <summary>
/// Runs bench/reference.py with /usr/bin/python3 (PyTorch and numpy from Debian's packages) as
/// <c>env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/reference.py MODE …</c>: a machine may
/// set those variables to hold OpenBLAS to an older kernel (AVX2 on an AVX-512 CPU); the fair reference runs
/// the kernel OpenBLAS picks for the CPU, and the table says which one it ran.
/// </summary>
internal sealed class Reference(Options options)
{
    private const string Python = "/usr/bin/python3";
    private const string Env = "/usr/bin/env";

    /// <summary>The variables unset in the reference's own command (never in tests or CI).</summary>
    public static readonly string[] UnsetVariables = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

    /// <summary>The reference's command line, as the report prints it.</summary>
    public static string CommandLine => $"env {string.Join(' ', UnsetVariables.Select(v => "-u " + v))} {Python} bench/reference.py MODE";
    private readonly string _script = Path.Combine(Options.Root, "bench", "reference.py");
    private JsonElement? _check;

    public bool HasPython => File.Exists(Python) && File.Exists(_script);

    public string? TorchVersion => Check() is { } c && c.TryGetProperty("torch", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    public string? NumpyVersion => Check() is { } c && c.TryGetProperty("numpy", out var n) ? n.GetString() : null;

    private string? Text(string property) => Check() is { } c && c.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public string Describe() => !HasPython ? $"{Python} or {_script} missing: no references"
        : $"PyTorch {TorchVersion ?? "NOT INSTALLED (apt-get install python3-torch libopenblas0-pthread)"} (its own kernels: {Text("torch_cpu_capability") ?? "?"}), " +
          $"numpy {NumpyVersion ?? "not installed"}; OpenBLAS kernel {Text("openblas_kernel") ?? "unknown"} ({Text("openblas_config") ?? "no OpenBLAS found"}), run as `{CommandLine}`";

    private JsonElement? Check() => _check ??= Run("check");

    /// <summary>Runs one mode; null when python or the module is missing (the table then says so).</summary>
    public JsonElement? Run(string mode, params string[] extra)
    {
        if (!HasPython) return null;
        var start = new ProcessStartInfo(File.Exists(Env) ? Env : Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string variable in UnsetVariables)
        {
            start.Environment.Remove(variable); // the same as env -u, where there is no env
            if (File.Exists(Env)) { start.ArgumentList.Add("-u"); start.ArgumentList.Add(variable); }
        }
        if (File.Exists(Env)) start.ArgumentList.Add(Python);
        start.ArgumentList.Add(_script);
        start.ArgumentList.Add(mode);
        if (!extra.Contains("--threads"))
        {
            start.ArgumentList.Add("--threads");
            start.ArgumentList.Add(options.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
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
