namespace Backprop.Serve.Api;

/// <summary>
/// POST /api/s/{id}/load: an article's example by name, or a 2-D data set with hidden sizes (such as
/// "64-64"), activation, loss and seed.
/// </summary>
internal sealed record LoadRequest(string Example, string? Layers = null, string? Activation = null, string? Loss = null, int? Seed = null)
{
    public const string DefaultLayers = "64-64", DefaultActivation = "relu", DefaultLoss = "cross_entropy";
}

/// <summary>POST /api/s/{id}/network: a network file (its JSON text) with its batch as CSV texts.</summary>
internal sealed record NetworkUpload(string Network, string Inputs, string Targets);
