namespace Backprop.Serve.Tests;

/// <summary>One playground server on a free port of 127.0.0.1 for a test class, stopped after it.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private PlaygroundServer? _server;

    internal PlaygroundServer Server => _server ?? throw new InvalidOperationException("not started");
    public Uri Url => Server.Url;
    public int Port => Server.Url.Port;

    public async Task InitializeAsync() => _server = await PlaygroundServer.StartAsync(0);

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
