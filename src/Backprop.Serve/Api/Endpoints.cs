using System.Text.Json.Nodes;
using Backprop.Playground;
using Backprop.Playground.Analysis;
using Backprop.Playground.Training;
using Backprop.Serve.Hosting;
using Backprop.Serve.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Backprop.Serve.Api;

/// <summary>The HTTP API of the page (docs/serve.md): one state per tab under /api/s/{id}/.</summary>
internal static class Endpoints
{
    private const string Json = "application/json; charset=utf-8";

    public static void Map(IEndpointRouteBuilder app, SessionStore sessions)
    {
        app.MapGet("/", context => Assets.Serve(context, "index.html"));
        app.MapGet("/{file}", (HttpContext context, string file) => Assets.Serve(context, file));
        app.MapGet("/articles/{file}", (HttpContext context, string file) => Assets.Serve(context, "articles/" + file));

        var api = app.MapGroup("/api");
        api.MapGet("/examples", () => Results.Text(PlaygroundState.Examples(), Json));
        api.MapGet("/analyze/{study}", (HttpContext c, string study) => Results.Text(Studies.Run(study, c.Request.QueryString.Value), Json));
        api.MapPost("/sessions", () => Results.Text(new JsonObject { ["id"] = sessions.Create().Id }.ToJsonString(), Json));
        api.MapPost("/s/{id}/load", (HttpContext c, string id) => WithSession(sessions, c, id, async p => State(p.Load(await Body.Text(c)))));
        api.MapGet("/s/{id}/state", (HttpContext c, string id) => WithSession(sessions, c, id, p => Task.FromResult(State(p.State()))));
        api.MapGet("/s/{id}/trace", (HttpContext c, string id) => WithSession(sessions, c, id, p => Task.FromResult(State(p.Trace()))));
        api.MapPost("/s/{id}/edit", (HttpContext c, string id) => WithSession(sessions, c, id, async p => State(p.Edit(await Body.Text(c), c.Request.QueryString.Value))));
        api.MapPost("/s/{id}/data", (HttpContext c, string id) => WithSession(sessions, c, id, async p =>
            State(p.UploadCsv(c.Request.QueryString.Value ?? "", await Body.Text(c)))));
        api.MapPost("/s/{id}/network", (HttpContext c, string id) => WithSession(sessions, c, id, async p => State(p.UploadNetwork(await Body.Text(c)))));
        api.MapGet("/s/{id}/paths", (HttpContext c, string id) => WithSession(sessions, c, id, p =>
            Task.FromResult(State(p.Paths(c.Request.QueryString.Value ?? "")))));
        api.MapGet("/s/{id}/descent", (HttpContext c, string id) => WithSession(sessions, c, id, p => Task.FromResult(State(p.Descent(c.Request.QueryString.Value ?? "")))));
        api.MapGet("/s/{id}/node", (HttpContext c, string id) => WithSession(sessions, c, id, p => Task.FromResult(State(p.Node(c.Request.QueryString.Value ?? "")))));
        api.MapGet("/s/{id}/train", (HttpContext c, string id) => Stream(sessions, c, id));
        api.MapPost("/s/{id}/train/stop", (HttpContext c, string id) =>
        {
            // Not behind the gate: the stream holds it while training runs.
            var s = sessions.Find(id) ?? throw new SessionGone();
            s.StopTraining();
            return Results.Text("{}", Json);
        });
        api.MapPost("/s/{id}/train/charts", (HttpContext c, string id) =>
        {
            // Not behind the gate either: a page switching views while its run streams.
            var s = sessions.Find(id) ?? throw new SessionGone();
            s.Playground.ShowCharts(c.Request.QueryString.Value);
            return Results.Text("{}", Json);
        });
        api.MapGet("/s/{id}/download/{file}", (HttpContext c, string id, string file) => WithSession(sessions, c, id, p =>
        {
            var download = p.Download(file);
            c.Response.Headers.ContentDisposition = $"attachment; filename=\"{file}\"";
            return Task.FromResult(Results.Text(download.Text, download.ContentType));
        }));
    }

    private static IResult State(string json) => Results.Text(json, Json);

    /// <summary>Runs <paramref name="action"/> with the tab's state, one request of that tab at a time.</summary>
    private static async Task<IResult> WithSession(SessionStore sessions, HttpContext c, string id, Func<PlaygroundState, Task<IResult>> action)
    {
        var s = sessions.Find(id) ?? throw new SessionGone();
        await s.Gate.WaitAsync(c.RequestAborted);
        try { return await action(s.Playground); }
        finally { s.Gate.Release(); }
    }

    /// <summary>
    /// GET /api/s/{id}/train: trains the tab's problem on a worker thread and streams snapshots as
    /// Server-Sent Events. The run lives as long as the stream: a closed tab closes it and stops the run.
    /// </summary>
    private static async Task Stream(SessionStore sessions, HttpContext c, string id)
    {
        var s = sessions.Find(id) ?? throw new SessionGone();
        TrainingJob job;
        await s.Gate.WaitAsync(c.RequestAborted);
        try { job = s.Playground.StartTraining(c.Request.QueryString.Value ?? ""); }
        finally { s.Gate.Release(); }
        var stop = CancellationTokenSource.CreateLinkedTokenSource(s.StartTraining(), c.RequestAborted);
        c.Response.ContentType = "text/event-stream";
        c.Response.Headers.CacheControl = "no-cache";
        var work = Task.Factory.StartNew(() => job.Run(stop.Token), stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        long sent = 0;
        try
        {
            while (true)
            {
                bool finished = work.IsCompleted;
                if (sent == 0 && job.Initial is { } initial)
                {
                    // Epoch 0 always reaches the page (the curves start there), however quickly the next follows.
                    sent = 1;
                    await c.Response.WriteAsync($"data: {initial}\n\n", c.RequestAborted);
                    await c.Response.Body.FlushAsync(c.RequestAborted);
                }
                if (job.Version != sent && job.Latest is { } snapshot)
                {
                    sent = job.Version;
                    await c.Response.WriteAsync($"data: {snapshot}\n\n", c.RequestAborted);
                    await c.Response.Body.FlushAsync(c.RequestAborted);
                }
                if (finished) break;
                sessions.Find(id); // a tab that trains is in use
                await Task.Delay(TrainingJob.SnapshotInterval / 2, c.RequestAborted);
            }
            string end;
            try
            {
                await work;
                await s.Gate.WaitAsync(c.RequestAborted);
                try { s.Playground.FinishTraining(job); }
                finally { s.Gate.Release(); }
                end = "{}";
            }
            catch (BackpropException e)
            {
                end = new JsonObject { ["error"] = e.Message }.ToJsonString();
            }
            await c.Response.WriteAsync($"event: done\ndata: {end}\n\n", c.RequestAborted);
            await c.Response.Body.FlushAsync(c.RequestAborted);
        }
        catch (OperationCanceledException) when (c.RequestAborted.IsCancellationRequested)
        {
            // The tab went away.
        }
        finally
        {
            await stop.CancelAsync();
            try { await work; } catch (OperationCanceledException) { } catch (BackpropException) { }
            stop.Dispose();
        }
    }
}

/// <summary>The tab's state was dropped (idle, or replaced by newer tabs): 404, and the page starts afresh.</summary>
internal sealed class SessionGone() : Exception("this tab's state has expired or was dropped: reload the page");
