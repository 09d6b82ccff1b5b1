namespace Backprop.Playground;

/// <summary>
/// What the playground computes for one page, so that memory stays bounded whoever calls it (a local server
/// or a browser tab). docs/serve.md lists the same figures.
/// </summary>
public static class Limits
{
    /// <summary>Largest upload (a network file or a CSV data set): refused before any of it is parsed.</summary>
    public const long MaxUploadBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Weights and biases of a tab's network: every view traces it (every matrix of every step goes to the
    /// page), training included, since the trained network comes back to the Walk.
    /// </summary>
    public const long MaxWalkParameters = 20_000;

    /// <summary>Rows of a batch the Walk view traces.</summary>
    public const int MaxWalkRows = 256;

    /// <summary>Dense layers of a network built from the page's architecture field.</summary>
    public const int MaxLayers = 16;

    /// <summary>Epochs of one training run.</summary>
    public const int MaxEpochs = 100_000;
}
