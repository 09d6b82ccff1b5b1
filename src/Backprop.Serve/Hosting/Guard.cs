using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Backprop.Serve.Hosting;

/// <summary>
/// The checks every request passes first: the Host header names this server (against DNS rebinding: a page
/// of another site that resolves its own name to 127.0.0.1 sends its own name), and a declared body over
/// the limit is answered 413 at once, before any of it is read.
/// </summary>
internal static class Guard
{
    /// <summary>The Host values this server answers to, for the port the connection arrived on.</summary>
    public static bool IsAllowedHost(string host, int port)
    {
        string p = port.ToString(CultureInfo.InvariantCulture);
        return host == "127.0.0.1:" + p || host == "localhost:" + p || host == "[::1]:" + p;
    }

    public static Task Check(HttpContext context, RequestDelegate next)
    {
        if (!IsAllowedHost(context.Request.Host.Value ?? "", context.Connection.LocalPort))
            return ApiError.Write(context, StatusCodes.Status421MisdirectedRequest, "this server answers only to 127.0.0.1, localhost or [::1] with its own port");
        if (context.Request.ContentLength > Limits.MaxBodyBytes)
            return ApiError.Write(context, StatusCodes.Status413PayloadTooLarge, $"request body of {context.Request.ContentLength} bytes is over the limit of {Limits.MaxBodyBytes} bytes");
        return next(context);
    }
}
