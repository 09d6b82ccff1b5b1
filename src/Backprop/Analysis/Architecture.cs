namespace Backprop.Analysis;

/// <summary>Layer sizes of a plain MLP described by its depth and hidden width.</summary>
public static class Architecture
{
    /// <summary>inputs-width-…-width-outputs with <paramref name="depth"/> dense layers (depth − 1 hidden layers).</summary>
    public static int[] Sizes(int inputs, int width, int depth, int outputs)
    {
        if (depth < 1) throw new BackpropException("depth", $"depth must be at least 1, got {depth}");
        if (width < 1) throw new BackpropException("width", $"width must be at least 1, got {width}");
        var sizes = new int[depth + 1];
        sizes[0] = inputs;
        for (int i = 1; i < depth; i++) sizes[i] = width;
        sizes[depth] = outputs;
        return sizes;
    }
}
