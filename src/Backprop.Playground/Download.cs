namespace Backprop.Playground;

/// <summary>A file the page offers to save: its text and its content type.</summary>
/// <param name="Text">The file's content.</param>
/// <param name="ContentType">Its media type, such as <c>application/json; charset=utf-8</c>.</param>
public sealed record Download(string Text, string ContentType);
