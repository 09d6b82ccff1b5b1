namespace Backprop.Serve.Hosting;

/// <summary>
/// What one local server accepts, so that memory stays bounded however the page (or anything else on this
/// machine) calls it; what the playground itself computes is bounded by <see cref="Playground.Limits"/>.
/// docs/serve.md lists the same figures.
/// </summary>
public static class Limits
{
    /// <summary>Largest request body: a network file or a CSV upload. Beyond it, 413 before the body is read.</summary>
    public const long MaxBodyBytes = Playground.Limits.MaxUploadBytes;

    /// <summary>Most tabs with a state at once; the least recently used is dropped to make room.</summary>
    public const int MaxSessions = 32;

    /// <summary>A tab's state is dropped after this long without a request.</summary>
    public static readonly TimeSpan SessionIdle = TimeSpan.FromMinutes(30);
}
