using System.CommandLine;
using System.Diagnostics;
using Backprop.Serve;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop serve</c>: the playground, a local page to step, inspect, edit and train (docs/serve.md).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "port on 127.0.0.1 (0: any free port)", DefaultValueFactory = _ => 0 };
        var open = new Option<bool>("--open") { Description = "open the page in the default browser" };
        var command = new Command("serve", "Serve the playground on 127.0.0.1: step, inspect, edit and train in the browser.") { port, open };
        command.SetAction(r => Run(r.GetValue(port), r.GetValue(open)).GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> Run(int port, bool open)
    {
        await using var server = await PlaygroundServer.StartAsync(port);
        Console.Out.WriteLine($"Listening on {server.Url}");
        Console.Out.Flush();
        if (open) Open(server.Url);
        // Ctrl+C and SIGTERM end the wait; disposing stops training runs and the server: exit code 0.
        await server.WaitForShutdownAsync();
        return 0;
    }

    private static void Open(Uri url)
    {
        try
        {
            Process.Start(new ProcessStartInfo(url.ToString()) { UseShellExecute = true })?.Dispose();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Console.Error.WriteLine($"backprop: could not open a browser ({e.Message}); open {url} yourself");
        }
    }
}
