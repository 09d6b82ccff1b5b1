namespace Backprop;

/// <summary>
/// A problem with the user's input (a file, a shape, a name). Its message is one line meant for people:
/// the CLI prints it as is, without a stack trace.
/// </summary>
public sealed class BackpropException(string message) : Exception(message);
