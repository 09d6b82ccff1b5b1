namespace Backprop;

/// <summary>
/// A problem with the user's input (a file, a shape, a name, a setting). Its message is one line meant for
/// people, in the library's words ("batch size", never a command-line option): a front end prints it as is,
/// without a stack trace, and may name its own option for <see cref="Setting"/>.
/// </summary>
public sealed class BackpropException : Exception
{
    /// <summary>A problem with the input, described by <paramref name="message"/>.</summary>
    public BackpropException(string message) : base(message) { }

    /// <summary>A problem with one setting (such as "batch size"), whose name the message contains.</summary>
    public BackpropException(string setting, string message) : base(message) => Setting = setting;

    /// <summary>The setting at fault as the message names it ("batch size", "epochs", "learning rate"), or null.</summary>
    public string? Setting { get; }
}
