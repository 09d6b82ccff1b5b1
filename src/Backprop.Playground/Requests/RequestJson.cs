using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Backprop.Playground.Walk;

namespace Backprop.Playground.Requests;

/// <summary>Request bodies, read by generated code (no reflection: the same in the browser, trimmed).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(LoadRequest))]
[JsonSerializable(typeof(Edit))]
[JsonSerializable(typeof(NetworkUpload))]
internal sealed partial class RequestJson : JsonSerializerContext
{
    /// <summary>A JSON object of shape <typeparamref name="T"/>; anything malformed is one line naming the problem.</summary>
    public static T Parse<T>(string text, JsonTypeInfo<T> type) where T : class
    {
        if (string.IsNullOrWhiteSpace(text)) throw new BackpropException("the request needs a JSON body");
        try
        {
            return JsonSerializer.Deserialize(text, type) ?? throw new BackpropException("the request body is null: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new BackpropException("malformed JSON: " + e.Message);
        }
    }
}
