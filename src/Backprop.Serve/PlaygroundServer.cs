using Backprop.Serve.Api;
using Backprop.Serve.Hosting;
using Backprop.Serve.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backprop.Serve;

/// <summary>
/// <c>backprop serve</c>: the playground page and its API on Kestrel, bound to 127.0.0.1 only. Every number
/// the page shows comes from the engine through the API; the page only draws.
/// </summary>
public sealed class PlaygroundServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SessionStore _sessions;

    private PlaygroundServer(WebApplication app, SessionStore sessions)
    {
        _app = app;
        _sessions = sessions;
    }

    /// <summary>The address the server accepts connections on, such as http://127.0.0.1:41234/.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Starts a server on 127.0.0.1:<paramref name="port"/> (0: a free port) and returns once it accepts connections.</summary>
    public static async Task<PlaygroundServer> StartAsync(int port, CancellationToken cancel = default)
    {
        if (port is < 0 or > 65535) throw new BackpropException($"port {port} is outside 0..65535");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(PlaygroundServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders(); // stdout carries the one line with the address
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = Limits.MaxBodyBytes;
            k.AddServerHeader = false;
        });
        var sessions = new SessionStore(TimeProvider.System);
        var app = builder.Build();
        app.Use(ApiError.Handle);
        app.Use(Guard.Check);
        Endpoints.Map(app, sessions);
        app.Lifetime.ApplicationStopping.Register(sessions.StopAll);
        try
        {
            await app.StartAsync(cancel);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new BackpropException($"cannot listen on 127.0.0.1:{port}: {e.Message}");
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PlaygroundServer(app, sessions) { Url = new Uri(address.TrimEnd('/') + "/") };
    }

    /// <summary>Number of tabs with a state now.</summary>
    internal int Sessions => _sessions.Count;

    /// <summary>Waits until the process is asked to stop (Ctrl+C, SIGTERM) or <paramref name="cancel"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancel = default) => _app.WaitForShutdownAsync(cancel);

    /// <summary>Stops every training run and the server.</summary>
    public async ValueTask DisposeAsync()
    {
        _sessions.StopAll();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
