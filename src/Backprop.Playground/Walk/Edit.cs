using Backprop.Model;

namespace Backprop.Playground.Walk;

/// <summary>
/// One change from the Edit view: a value (<see cref="Target"/> W, B, X or T at 1-based
/// <see cref="Layer"/>, <see cref="Row"/>, <see cref="Col"/>, as <c>explain --weight L:i:j</c> counts), or
/// the activation of every hidden layer, or the loss; or <see cref="Edits"/>, several of these in turn (a link
/// that reopens an edited network sends them all at once).
/// </summary>
internal sealed record Edit(string? Target, int Layer, int Row, int Col, double? Value, string? Activation, string? Loss, IReadOnlyList<Edit>? Edits = null)
{
    /// <summary>Most changes in one request.</summary>
    public const int MaxEdits = 25_000;

    /// <summary>Applies this change to <paramref name="p"/> (a copy the caller owns) and returns it.</summary>
    public Problem ApplyTo(Problem p)
    {
        if (Edits is { } edits)
        {
            if (edits.Count > MaxEdits) throw new BackpropException($"{edits.Count} edits in one request; at most {MaxEdits}");
            foreach (var e in edits)
            {
                if (e.Edits is not null) throw new BackpropException("edits cannot nest");
                p = e.ApplyTo(p);
            }
        }
        if (Activation is { } activation)
        {
            if (Array.IndexOf(NetworkSpec.ActivationTypes, activation) < 0)
                throw new BackpropException($"unknown activation '{activation}' (expected one of: {string.Join(", ", NetworkSpec.ActivationTypes)})");
            p = p with { Spec = p.Spec with { Layers = [.. p.Spec.Layers.Select(l => l.Type == "dense" ? l : new LayerSpec(activation))] } };
        }
        if (Loss is { } loss)
        {
            if (Array.IndexOf(Losses.Loss<double>.Names, loss) < 0)
                throw new BackpropException($"unknown loss '{loss}' (expected one of: {string.Join(", ", Losses.Loss<double>.Names)})");
            p = p with { Spec = p.Spec with { Loss = loss } };
        }
        if (Target is null) return p;
        if (Value is not { } value || !double.IsFinite(value)) throw new BackpropException($"{Target}: give a finite number as the value");
        switch (Target)
        {
            case "W":
                Set(Dense(p, Layer).Weights!, Row, Col, value, $"W{Layer}");
                break;
            case "B":
                Set([Dense(p, Layer).Bias!], 1, Col, value, $"B{Layer}");
                break;
            case "X":
                Set(p.X, Row, Col, value, "X");
                break;
            case "T":
                Set(p.T, Row, Col, value, "T");
                break;
            default:
                throw new BackpropException($"unknown edit target '{Target}' (expected W, B, X or T)");
        }
        return p;
    }

    private static LayerSpec Dense(Problem p, int layer)
    {
        var dense = p.Spec.Layers.Where(l => l.Type == "dense").ToArray();
        if (layer < 1 || layer > dense.Length) throw new BackpropException($"layer {layer}: the network has {dense.Length} dense layers (counted from 1)");
        return dense[layer - 1];
    }

    private static void Set(double[][] m, int row, int col, double value, string name)
    {
        if (row < 1 || row > m.Length || col < 1 || col > m[row - 1].Length)
            throw new BackpropException($"{name} has {m.Length}×{(m.Length == 0 ? 0 : m[0].Length)} entries; ({row}, {col}) is outside (counted from 1)");
        m[row - 1][col - 1] = value;
    }
}
