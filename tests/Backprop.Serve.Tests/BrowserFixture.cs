using Microsoft.Playwright;

namespace Backprop.Serve.Tests;

/// <summary>
/// A playground server and Debian's Chromium, headless, driven by Playwright (its driver ships in the NuGet
/// package; no browser is downloaded). Screenshots go to screenshots/ beside the test assembly.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private PlaygroundServer? _server;

    public IBrowser Browser { get; private set; } = null!;
    public Uri Url => _server!.Url;
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        _server = await PlaygroundServer.StartAsync(0);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }
}
