using System.Net;
using System.Net.Sockets;

namespace Backprop.WebBench;

/// <summary>A folder served as it is on a free port of 127.0.0.1 (the static host of the benchmark); it counts what it sends.</summary>
internal sealed class Folder : IDisposable
{
    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript",
        [".css"] = "text/css",
        [".svg"] = "image/svg+xml",
        [".wasm"] = "application/wasm",
        [".json"] = "application/json",
    };

    private readonly HttpListener _listener = new();
    private readonly string _root;

    public Folder(string root)
    {
        _root = Path.GetFullPath(root);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _ = Task.Run(Serve);
    }

    public Uri Url { get; }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext c;
            try { c = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(async () =>
            {
                using var response = c.Response;
                string relative = Uri.UnescapeDataString(c.Request.Url!.AbsolutePath).TrimStart('/');
                string path = Path.GetFullPath(Path.Combine(_root, relative.Length == 0 ? "index.html" : relative));
                if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path)) { response.StatusCode = 404; return; }
                response.ContentType = Types.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
                byte[] bytes = await File.ReadAllBytesAsync(path);
                try { await response.OutputStream.WriteAsync(bytes); }
                catch (HttpListenerException) { }
            });
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
