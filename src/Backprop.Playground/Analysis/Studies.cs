namespace Backprop.Playground.Analysis;

/// <summary>
/// The third article's studies by name (<c>GET analyze/{study}?...</c>): each answers JSON computed by the same
/// Analysis code, with the same defaults, as the <c>backprop analyze</c> verb of that name. They hold no state,
/// so any tab (or none) may ask.
/// </summary>
public static class Studies
{
    /// <summary>The study names, as the <c>analyze</c> verbs spell them.</summary>
    public static readonly string[] Names = ["gradients", "init", "memory", "loss-scaling"];

    /// <summary>Runs <paramref name="study"/> with the settings in <paramref name="query"/>; an unknown name is one line.</summary>
    public static string Run(string study, string? query) => study switch
    {
        "gradients" => GradientStudy.Run(query),
        "init" => InitStudy.Run(query),
        "memory" => MemoryStudy.Run(query),
        "loss-scaling" => LossScalingStudy.Run(query),
        _ => throw new BackpropException($"no study '{study}' (expected one of: {string.Join(", ", Names)})"),
    };
}
