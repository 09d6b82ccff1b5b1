using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Backprop.Serve.Hosting;

/// <summary>The page's files, embedded in this assembly (wwwroot/), served with their content types.</summary>
internal static class Assets
{
    /// <summary>Allows only this server's own scripts, styles and images: no inline script or style attribute, no other host.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Assembly Self = typeof(Assets).Assembly;

    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    /// <summary>The embedded file's bytes, or null when there is none of that name.</summary>
    public static byte[]? Read(string name)
    {
        if (name.Contains("..", StringComparison.Ordinal)) return null;
        using var stream = Self.GetManifestResourceStream("wwwroot/" + name);
        if (stream is null) return null;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Sends wwwroot/<paramref name="name"/> with the headers every page file carries.</summary>
    public static async Task Serve(HttpContext context, string name)
    {
        var bytes = Read(name);
        if (bytes is null)
        {
            await ApiError.Write(context, StatusCodes.Status404NotFound, $"no such file: {name}");
            return;
        }
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        headers["Referrer-Policy"] = "no-referrer";
        context.Response.ContentType = Types.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
        await context.Response.Body.WriteAsync(bytes);
    }
}
