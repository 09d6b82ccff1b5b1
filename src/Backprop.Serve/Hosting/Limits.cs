namespace Backprop.Serve.Hosting;

/// <summary>
/// What one local server accepts, so that memory stays bounded however the page (or anything else on this
/// machine) calls it. docs/serve.md lists the same figures.
/// </summary>
public static class Limits
{
    /// <summary>Largest request body: a network file or a CSV upload. Beyond it, 413 before the body is read.</summary>
    public const long MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>Most tabs with a state at once; the least recently used is dropped to make room.</summary>
    public const int MaxSessions = 32;

    /// <summary>A tab's state is dropped after this long without a request.</summary>
    public static readonly TimeSpan SessionIdle = TimeSpan.FromMinutes(30);

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
