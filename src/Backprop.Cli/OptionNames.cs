namespace Backprop.Cli;

/// <summary>
/// The library names settings in its own words ("batch size"); the CLI shows its option for each instead,
/// so a message points at what the user typed ("--batch must be at least 1, got 0").
/// </summary>
internal static class OptionNames
{
    private static readonly Dictionary<string, string> ForSetting = new()
    {
        ["batch size"] = "--batch",
        ["epochs"] = "--epochs",
        ["learning rate"] = "--lr",
        ["layer sizes"] = "--layers",
        ["loss scale"] = "--loss-scale",
        ["precision"] = "--precision",
        ["depth"] = "--depth",
        ["width"] = "--width",
        ["node"] = "--node",
        ["weight"] = "--weight",
        ["bias"] = "--bias",
        ["input"] = "--input",
    };

    /// <summary>Settings that a message asks for rather than refuses: the fix is said after it, with the option.</summary>
    private static readonly Dictionary<string, string> Fixes = new()
    {
        ["activation"] = $"give it with --activation (one of: {string.Join(", ", Model.NetworkSpec.ActivationTypes)})",
    };

    /// <summary>
    /// The message with its setting's first mention replaced by the option (or the option put in front), or with
    /// the fix after it for a setting that is missing rather than wrong.
    /// </summary>
    public static string Describe(BackpropException e)
    {
        if (e.Setting is { } missing && Fixes.TryGetValue(missing, out var fix)) return $"{e.Message}; {fix}";
        if (e.Setting is not { } setting || !ForSetting.TryGetValue(setting, out var option)) return e.Message;
        int at = e.Message.IndexOf(setting, StringComparison.Ordinal);
        return at < 0 ? $"{option}: {e.Message}" : string.Concat(e.Message.AsSpan(0, at), option, e.Message.AsSpan(at + setting.Length));
    }
}
