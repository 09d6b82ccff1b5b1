using System.Diagnostics;

namespace Backprop.Tests.Cli;

/// <summary>Runs the real command-line program (built beside the tests) as a separate process.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>The run failed with one line, "backprop: error: ..." holding <paramref name="expected"/>, and no stack trace anywhere.</summary>
        public void AssertOneLineError(string expected)
        {
            Assert.NotEqual(0, ExitCode);
            string err = Stderr.Trim();
            Assert.StartsWith("backprop: error: ", err);
            Assert.Contains(expected, err);
            Assert.DoesNotContain('\n', err);
            Assert.DoesNotContain("   at ", Stdout + Stderr);
        }
    }

    private static string CliDll => Path.Combine(AppContext.BaseDirectory, "Backprop.Cli.dll");

    public static Result Run(params string[] args) => RunIn(null, args);

    public static Result RunIn(string? workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10))) process.Kill(entireProcessTree: true);
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A temporary directory deleted after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("backprop-test-").FullName;
    public string File(string name, string content)
    {
        string p = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(p, content);
        return p;
    }
    public string this[string name] => System.IO.Path.Combine(Path, name);
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
