using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

namespace Backprop.Serve.Tests;

/// <summary><c>backprop serve</c> as a user runs it: it prints its address once it accepts connections and stops cleanly on SIGTERM and Ctrl+C.</summary>
public sealed partial class ServeCommandTests
{
    /// <summary>POSIX kill(2): the signal itself, with no dependence on a kill program being installed.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [Theory]
    [InlineData(15)] // SIGTERM
    [InlineData(2)] // SIGINT, as Ctrl+C sends
    public async Task Serve_prints_its_address_answers_and_exits_0_on_a_signal(int signal)
    {
        using var process = Process.Start(BuiltCli.Start("serve"))!;
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
            Assert.Equal(0, Kill(process.Id, signal));
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
