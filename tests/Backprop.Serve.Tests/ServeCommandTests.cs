using System.Diagnostics;
using System.Net;

namespace Backprop.Serve.Tests;

/// <summary><c>backprop serve</c> as a user runs it: it prints its address once it accepts connections and stops cleanly on SIGTERM and Ctrl+C.</summary>
public sealed class ServeCommandTests
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Serve_prints_its_address_answers_and_exits_0_on_a_signal(string signal)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Backprop.Cli.dll"));
        start.ArgumentList.Add("serve");
        using var process = Process.Start(start)!;
        try
        {
            string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.NotNull(line);
            Assert.Matches(@"^Listening on http://127\.0\.0\.1:\d+/$", line);
            var url = new Uri(line["Listening on ".Length..]);
            Assert.NotEqual(0, url.Port);
            using (var http = new HttpClient())
            {
                var page = await http.GetAsync(url); // accepting already: no retry
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Contains("data-testid=\"example\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, process.ExitCode);
            Assert.Equal("", (await process.StandardError.ReadToEndAsync()).Trim());
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
