using System.Globalization;
using Backprop.Serve;
using Microsoft.Playwright;

namespace Backprop.ServeBench;

/// <summary>Command-line options: edits measured and warm-up edits, training runs per side, seconds of updates counted.</summary>
internal sealed record BenchOptions(int Edits, int Warmup, int Runs, double Seconds, string Chromium)
{
    public const string Usage = "usage: Backprop.ServeBench [--edits N (>= 30, default 40)] [--warmup N (default 5)] [--runs N (default 5)] [--seconds S (default 5)] [--chromium PATH]";

    /// <summary>The options, or null when one is unknown or out of range.</summary>
    public static BenchOptions? Parse(string[] args)
    {
        var o = new BenchOptions(40, 5, 5, 5, Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium");
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) return null;
            string value = args[i + 1];
            bool ok = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number);
            o = args[i] switch
            {
                "--edits" when ok => o with { Edits = (int)number },
                "--warmup" when ok => o with { Warmup = (int)number },
                "--runs" when ok => o with { Runs = (int)number },
                "--seconds" when ok => o with { Seconds = number },
                "--chromium" => o with { Chromium = value },
                _ => null,
            };
            if (o is null) return null;
        }
        return o.Edits >= 30 && o.Warmup >= 0 && o.Runs >= 1 && o.Seconds > 0 ? o : null;
    }
}

/// <summary>The playground in this process and headless Chromium on it; each page opens in a fresh context.</summary>
internal sealed class Bench : IAsyncDisposable
{
    private readonly PlaygroundServer _server;
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Bench(PlaygroundServer server, IPlaywright playwright, IBrowser browser)
    {
        _server = server;
        _playwright = playwright;
        _browser = browser;
    }

    public Uri Url => _server.Url;
    public string BrowserVersion => _browser.Version;

    public static async Task<Bench> StartAsync(BenchOptions options)
    {
        var server = await PlaygroundServer.StartAsync(0);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = options.Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        return new Bench(server, playwright, browser);
    }

    /// <summary>A fresh tab on the page with <paramref name="query"/>, once it is ready; a page error stops the run.</summary>
    public async Task<IPage> OpenAsync(string query)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 720 } });
        var page = await context.NewPageAsync();
        page.PageError += (_, e) => Console.Error.WriteLine("page error: " + e);
        await page.GotoAsync(new Uri(Url, query).ToString());
        await page.WaitForSelectorAsync("body[data-ready=true]");
        return page;
    }

    public static async Task CloseAsync(IPage page) => await page.Context.CloseAsync();

    /// <summary>Fails with the page's error line when it shows one.</summary>
    public static async Task CheckNoErrorAsync(IPage page)
    {
        string error = await page.GetByTestId("error").InnerTextAsync();
        if (error.Length > 0) throw new InvalidOperationException("the page shows an error: " + error);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
    }
}

/// <summary>The load average of /proc/loadavg (1, 5 and 15 minutes), as uptime prints it.</summary>
internal static class LoadAverage
{
    public static string Now() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
