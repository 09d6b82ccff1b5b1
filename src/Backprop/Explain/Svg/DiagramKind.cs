namespace Backprop.Explain.Svg;

/// <summary>The pictures <c>backprop diagram --kind</c> draws.</summary>
public enum DiagramKind { Forward, Backward, NodeForward, NodeBackward, Paths }

public static class DiagramKinds
{
    public static readonly string[] Names = ["forward", "backward", "node-forward", "node-backward", "paths"];

    public static DiagramKind Parse(string name) => Array.IndexOf(Names, name) is int i and >= 0
        ? (DiagramKind)i
        : throw new BackpropException($"unknown diagram kind '{name}' (expected one of: {string.Join(", ", Names)})");

    public static string Name(DiagramKind kind) => Names[(int)kind];
}
