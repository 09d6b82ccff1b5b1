using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Backprop.Serve.Hosting;

/// <summary>
/// Every failure the API reports is one JSON line <c>{"error": "..."}</c> with a 4xx status: bad input
/// (a <see cref="BackpropException"/>, malformed JSON, a body too large) never becomes a 500 or a stack trace.
/// </summary>
internal static class ApiError
{
    /// <summary>Writes <c>{"error": message}</c> with <paramref name="status"/>.</summary>
    public static Task Write(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = message }));
    }

    /// <summary>Runs the rest of the pipeline and maps what it throws to a status and one line.</summary>
    public static async Task Handle(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && Map(e) is { } mapped)
        {
            context.Response.Clear();
            await Write(context, mapped.Status, mapped.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The tab went away: nobody is left to answer.
        }
    }

    private static (int Status, string Message)? Map(Exception e) => e switch
    {
        BackpropException b => (400, b.Message),
        Api.SessionGone g => (404, g.Message),
        BadHttpRequestException b => (b.StatusCode, b.StatusCode == 413 ? $"request body over the limit of {Limits.MaxBodyBytes} bytes" : b.Message),
        JsonException j => (400, "malformed JSON: " + j.Message),
        OutOfMemoryException => (413, "out of memory: the request is too large"),
        OperationCanceledException => null,
        // A bug of ours: still one line and no stack trace, with a status that says so.
        _ => (500, $"internal error: {e.GetType().Name}: {e.Message}"),
    };
}
