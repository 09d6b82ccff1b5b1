using System.Diagnostics;

namespace Backprop.Serve.Tests;

/// <summary>The command line as a user runs it: the built Backprop.Cli beside this assembly.</summary>
internal static class BuiltCli
{
    /// <summary>How to start <c>backprop</c> with <paramref name="args"/>, its output and errors redirected.</summary>
    public static ProcessStartInfo Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Backprop.Cli.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>Runs <c>backprop</c> with <paramref name="args"/> to its end (at most <paramref name="timeout"/>).</summary>
    public static async Task<(int Code, string Out, string Err)> Run(TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(Start(args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout);
        return (process.ExitCode, await output, await error);
    }
}
