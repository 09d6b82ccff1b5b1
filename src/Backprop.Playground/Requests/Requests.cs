using System.Text.Json.Serialization;

namespace Backprop.Playground.Requests;

/// <summary>
/// POST /api/s/{id}/load: an article's example by name, or a 2-D data set with hidden sizes (such as
/// "64-64"), activation, loss and seed.
/// </summary>
internal sealed record LoadRequest(string Example, string? Layers = null, string? Activation = null, string? Loss = null, int? Seed = null)
{
    public const string DefaultLayers = "64-64", DefaultActivation = "relu", DefaultLoss = "cross_entropy";
}

/// <summary>
/// POST /api/s/{id}/network: a network file with its batch as CSV texts. The file is either <c>network</c>, the
/// JSON text, or <c>network_base64</c>, the bytes of a JSON, ONNX or safetensors file (recognised by content, as
/// the CLI's --network) with <c>network_name</c> naming it in errors.
/// </summary>
internal sealed record NetworkUpload(
    string? Network, string Inputs, string Targets,
    [property: JsonPropertyName("network_base64")] string? NetworkBase64 = null,
    [property: JsonPropertyName("network_name")] string? NetworkName = null);
