using System.Text.Json.Nodes;
using Backprop.Explain.Paths;
using Backprop.Explain.Report;
using Backprop.Explain.Svg;
using Backprop.IO;
using Backprop.Serve.Hosting;
using Backprop.Serve.Sessions;
using Backprop.Serve.Training;
using Backprop.Serve.Walk;
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

        var api = app.MapGroup("/api");
        api.MapGet("/examples", () => Results.Text(new JsonArray([.. Explain.Examples.Names.Select(n => (JsonNode?)n)]).ToJsonString(), Json));
        api.MapPost("/sessions", () => Results.Text(new JsonObject { ["id"] = sessions.Create().Id }.ToJsonString(), Json));
        api.MapPost("/s/{id}/load", (HttpContext c, string id) => WithSession(sessions, c, id, async s =>
        {
            var r = await Body.Json<LoadRequest>(c);
            var problem = Synthetic(r.Example)
                ? ProblemSources.DataSet(r.Example, r.Layers ?? LoadRequest.DefaultLayers, r.Activation ?? LoadRequest.DefaultActivation, r.Loss ?? LoadRequest.DefaultLoss, r.Seed ?? 1)
                : ProblemSources.Example(r.Example);
            return State(s.SetProblem(problem));
        }));
        api.MapGet("/s/{id}/state", (HttpContext c, string id) => WithSession(sessions, c, id, s =>
            Task.FromResult(State(s.State ?? throw new BackpropException("no example loaded yet: choose one first")))));
        api.MapGet("/s/{id}/trace", (HttpContext c, string id) => WithSession(sessions, c, id, s =>
            Task.FromResult(State(JsonTrace.Write(s.Trace ?? throw new BackpropException("no example loaded yet: choose one first"), s.Steps)))));
        api.MapPost("/s/{id}/edit", (HttpContext c, string id) => WithSession(sessions, c, id, async s =>
        {
            var edit = await Body.Json<Edit>(c);
            return State(s.SetProblem(edit.ApplyTo(s.RequireProblem().DeepCopy())));
        }));
        api.MapPost("/s/{id}/data", (HttpContext c, string id) => WithSession(sessions, c, id, async s =>
        {
            string text = await Body.Text(c);
            var q = c.Request.Query;
            var problem = ProblemSources.CsvUpload(q["name"].FirstOrDefault() ?? "upload.csv", text,
                q["layers"].FirstOrDefault() ?? LoadRequest.DefaultLayers, q["activation"].FirstOrDefault() ?? LoadRequest.DefaultActivation,
                q["loss"].FirstOrDefault() ?? LoadRequest.DefaultLoss, 1);
            return State(s.SetProblem(problem));
        }));
        api.MapPost("/s/{id}/network", (HttpContext c, string id) => WithSession(sessions, c, id, async s =>
        {
            var u = await Body.Json<NetworkUpload>(c);
            var problem = u.NetworkBase64 is { } encoded
                ? ProblemSources.NetworkUpload(Base64(encoded), u.NetworkName ?? "network", u.Inputs ?? "", u.Targets ?? "")
                : ProblemSources.NetworkUpload(u.Network ?? "", u.Inputs ?? "", u.Targets ?? "");
            return State(s.SetProblem(problem));
        }));
        api.MapGet("/s/{id}/paths", (HttpContext c, string id) => WithSession(sessions, c, id, s =>
        {
            var trace = s.Trace ?? throw new BackpropException("no example loaded yet: choose one first");
            var q = c.Request.Query;
            var target = q["weight"] is [{ } w] ? PathTarget.Parse(PathTarget.Kind.Weight, w, trace)
                : q["bias"] is [{ } b] ? PathTarget.Parse(PathTarget.Kind.Bias, b, trace)
                : throw new BackpropException("give weight=L:i:j or bias=L:j (counted from 1)");
            var sum = PathSums.Explain(trace, target);
            var paths = JsonNode.Parse(JsonTrace.Write(trace, [], sum))!["paths"]!.DeepClone().AsObject();
            paths["svg"] = Diagrams.Draw(trace, DiagramKind.Paths, target);
            return Task.FromResult(State(paths.ToJsonString()));
        }));
        api.MapGet("/s/{id}/train", (HttpContext c, string id) => Stream(sessions, c, id));
        api.MapPost("/s/{id}/train/stop", (HttpContext c, string id) =>
        {
            // Not behind the gate: the stream holds it while training runs.
            var s = sessions.Find(id) ?? throw new SessionGone();
            s.StopTraining();
            return Results.Text("{}", Json);
        });
        api.MapGet("/s/{id}/download/{file}", (HttpContext c, string id, string file) => WithSession(sessions, c, id, s =>
        {
            var trace = s.Trace ?? throw new BackpropException("no example loaded yet: choose one first");
            c.Response.Headers.ContentDisposition = $"attachment; filename=\"{file}\"";
            return Task.FromResult(file switch
            {
                "network.json" => Results.Text(NetworkJson.Write(s.RequireProblem().Spec), Json),
                "diagram.svg" => Results.Text(Diagrams.Draw(trace, DiagramKind.Forward), "image/svg+xml"),
                "report.html" => Results.Text(HtmlReport.Write(trace, s.Steps, null, diagrams: true), "text/html; charset=utf-8"),
                "history.csv" => Results.Text(s.Job?.HistoryCsv() ?? throw new BackpropException("nothing trained yet: start training first"), "text/csv"),
                _ => throw new BackpropException($"no download '{file}' (expected network.json, diagram.svg, report.html or history.csv)"),
            });
        }));
    }

    private static bool Synthetic(string name) => Array.IndexOf(Data.Synthetic.Names, name) >= 0;

    private static IResult State(string json) => Results.Text(json, Json);

    private static byte[] Base64(string text)
    {
        try { return Convert.FromBase64String(text); }
        catch (FormatException) { throw new BackpropException("uploaded network: network_base64 is not valid base64"); }
    }

    /// <summary>Runs <paramref name="action"/> with the tab's state, one request of that tab at a time.</summary>
    private static async Task<IResult> WithSession(SessionStore sessions, HttpContext c, string id, Func<Session, Task<IResult>> action)
    {
        var s = sessions.Find(id) ?? throw new SessionGone();
        await s.Gate.WaitAsync(c.RequestAborted);
        try { return await action(s); }
        finally { s.Gate.Release(); }
    }

    /// <summary>
    /// GET /api/s/{id}/train: trains the tab's problem on a worker thread and streams snapshots as
    /// Server-Sent Events. The run lives as long as the stream: a closed tab closes it and stops the run.
    /// </summary>
    private static async Task Stream(SessionStore sessions, HttpContext c, string id)
    {
        var s = sessions.Find(id) ?? throw new SessionGone();
        var settings = TrainSettings.FromQuery(c.Request.Query);
        var problem = s.RequireProblem();
        var job = new TrainingJob(problem.Spec, problem.Train ?? throw new BackpropException("this problem has no data to train on"), problem.Test, settings, s.Trained);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(s.StartTraining(job), c.RequestAborted);
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
                var trained = await work;
                await s.Gate.WaitAsync(c.RequestAborted);
                try { s.SetTrained(problem with { Spec = trained }, job); }
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
