namespace Backprop.Explain.Svg;

/// <summary>The pictures <c>backprop diagram --kind</c> draws.</summary>
public enum DiagramKind
{
    /// <summary>The forward pass: matrices flowing up the layers.</summary>
    Forward,

    /// <summary>The backward pass: gradients flowing down.</summary>
    Backward,

    /// <summary>One node going forward.</summary>
    NodeForward,

    /// <summary>One node going backward.</summary>
    NodeBackward,

    /// <summary>The paths that make up one gradient.</summary>
    Paths,
}

/// <summary>The names of the diagram kinds.</summary>
public static class DiagramKinds
{
    /// <summary>The names, in the order of <see cref="DiagramKind"/>.</summary>
    public static readonly string[] Names = ["forward", "backward", "node-forward", "node-backward", "paths"];

    /// <summary>The kind of that name.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <exception cref="BackpropException">An unknown name.</exception>
    public static DiagramKind Parse(string name) => Array.IndexOf(Names, name) is int i and >= 0
        ? (DiagramKind)i
        : throw new BackpropException($"unknown diagram kind '{name}' (expected one of: {string.Join(", ", Names)})");

    /// <summary>The name of a kind.</summary>
    /// <param name="kind">The kind.</param>
    public static string Name(DiagramKind kind) => Names[(int)kind];
}
