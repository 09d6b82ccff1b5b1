using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// Spectre.Console wraps at 80 columns when it cannot ask a terminal for its width. Output to a file or a
/// pipe is read by programs and pasted into notes and slides, so it is not wrapped at all; tables stay as
/// wide as their content.
/// </summary>
internal static class ConsoleWidth
{
    /// <summary>Wide enough for any line we print, small enough for Spectre's buffers.</summary>
    public const int Unwrapped = 4096;

    /// <summary>Turns wrapping off for <paramref name="console"/> when <paramref name="redirected"/> (not a terminal).</summary>
    public static IAnsiConsole Unwrap(IAnsiConsole console, bool redirected)
    {
        if (redirected) console.Profile.Width = Unwrapped;
        return console;
    }
}
