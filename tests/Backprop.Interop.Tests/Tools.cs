using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Backprop.Interop.Tests;

/// <summary>Runs the real command-line program (built beside the tests) and Debian's python3 as separate processes.</summary>
internal static class Tools
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Cli(params string[] args) => CliIn(null, args);

    public static Result CliIn(string? directory, params string[] args) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "Backprop.Cli.dll"), .. args], directory);

    /// <summary>Debian's python3 (with python3-torch and python3-onnx) on a script of Reference/, or on code given with -c.</summary>
    public static Result Python(string? directory, params string[] args)
    {
        var result = Run("/usr/bin/python3", args, directory);
        Assert.True(result.ExitCode == 0, $"python3 {string.Join(' ', args)} failed:\n{result.Stderr}");
        return result;
    }

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Reference", name);

    public static Result Run(string program, IEnumerable<string> args, string? directory)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        if (directory is not null) start.WorkingDirectory = directory;
        start.Environment["NO_COLOR"] = "1";
        start.Environment["PYTHONPATH"] = Path.Combine(AppContext.BaseDirectory, "Reference");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) process.Kill(entireProcessTree: true);
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The repository root (where Backprop.slnx is), for the docs the recipes test.</summary>
    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Backprop.slnx"))) return d.FullName;
        throw new InvalidOperationException("Backprop.slnx not found above the test directory");
    }

    public static double[][] Matrix(JsonNode? node) => [.. node!.AsArray().Select(row => row!.AsArray().Select(v => v!.GetValue<double>()).ToArray())];

    public static double[] Vector(JsonNode? node) => [.. node!.AsArray().Select(v => v!.GetValue<double>())];

    /// <summary>Every value within <paramref name="relative"/> of the reference, relative to the tensor's largest value.</summary>
    public static void Close(double[][] expected, double[][] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(expected.SelectMany(r => r).Select(Math.Abs).DefaultIfEmpty(0).Max(), 1e-6);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int j = 0; j < expected[i].Length; j++)
                Assert.True(Math.Abs(expected[i][j] - actual[i][j]) <= relative * scale,
                    $"{what}[{i}][{j}]: expected {expected[i][j]:R}, got {actual[i][j]:R} (scale {scale:G3})");
        }
    }
}

/// <summary>A temporary directory deleted after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("backprop-interop-").FullName;

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
