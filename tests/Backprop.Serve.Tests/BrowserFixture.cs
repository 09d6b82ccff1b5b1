using Backprop.Testing;
using Microsoft.Playwright;

namespace Backprop.Serve.Tests;

/// <summary>Where the page under test comes from, with the browser that opens it.</summary>
public interface IPageHost
{
    /// <summary>Debian's Chromium, headless.</summary>
    IBrowser Browser { get; }

    /// <summary>The page's address on 127.0.0.1.</summary>
    Uri Url { get; }

    /// <summary>Put before screenshot names, so the two transports keep their own.</summary>
    string ShotPrefix { get; }
}

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (its driver ships in the NuGet package; no browser is
/// downloaded). Screenshots go to screenshots/ beside the test assembly.
/// </summary>
public abstract class ChromiumFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public virtual async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}

/// <summary>The page from a playground server (<c>backprop serve</c>): the engine over HTTP.</summary>
public sealed class BrowserFixture : ChromiumFixture, IPageHost
{
    private PlaygroundServer? _server;

    public Uri Url => _server!.Url;
    public string ShotPrefix => "";

    public override async Task InitializeAsync()
    {
        _server = await PlaygroundServer.StartAsync(0);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}

/// <summary>
/// The page from the static site <c>backprop site</c> writes, served from a folder by <see cref="StaticServer"/>:
/// the engine in a Web Worker, no server code.
/// </summary>
public sealed class StaticSiteFixture : ChromiumFixture, IPageHost
{
    private readonly string _folder = Directory.CreateTempSubdirectory("backprop-site-").FullName;

    public StaticServer Server { get; private set; } = null!;
    public Uri Url => Server.Url;
    public string ShotPrefix => "static-";
    public string Folder => _folder;

    public override async Task InitializeAsync()
    {
        Cli.Site.StaticSite.Write(_folder);
        Server = new StaticServer(_folder);
        await base.InitializeAsync();
    }

    /// <summary>A server of its own on the same folder, for a test that stops it.</summary>
    public StaticServer NewServer() => new(_folder);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Server?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
