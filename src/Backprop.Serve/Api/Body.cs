using System.Text;
using Backprop.Serve.Hosting;
using Microsoft.AspNetCore.Http;

namespace Backprop.Serve.Api;

/// <summary>Reads request bodies within <see cref="Limits.MaxBodyBytes"/>; anything malformed is a 400 with one line.</summary>
internal static class Body
{
    /// <summary>The whole body as UTF-8 text (Kestrel stops a body that grows past the limit with a 413).</summary>
    public static async Task<string> Text(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true));
        try
        {
            return await reader.ReadToEndAsync(context.RequestAborted);
        }
        catch (DecoderFallbackException)
        {
            throw new BackpropException("the request body is not UTF-8 text");
        }
    }
}
