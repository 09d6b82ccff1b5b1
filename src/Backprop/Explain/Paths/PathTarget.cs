using System.Globalization;

namespace Backprop.Explain.Paths;

/// <summary>
/// The one number a path-sum explains: a weight w^k_ij, a bias b^k_j, or an input x_i of one example.
/// Users write indices from 1, as the articles do (weight 1:1:2 is w¹₁₂); they are kept 0-based here.
/// </summary>
public sealed record PathTarget(PathTarget.Kind What, int Layer, int Row, int Col)
{
    /// <summary>What kind of number a target is.</summary>
    public enum Kind
    {
        /// <summary>A weight w^k_ij.</summary>
        Weight,

        /// <summary>A bias b^k_j.</summary>
        Bias,

        /// <summary>An input x_i of one example.</summary>
        Input,
    }

    /// <summary>The symbol the articles would use: w¹₁₂, b¹₂, x₁ (with the example for an input).</summary>
    public string Symbol => What switch
    {
        Kind.Weight => "w" + Notation.Sup(Layer) + Notation.Sub(Row + 1, Col + 1),
        Kind.Bias => "b" + Notation.Sup(Layer) + Notation.Sub(Col + 1),
        _ => $"x{Notation.Sub(Col + 1)} of example {Row + 1}",
    };

    /// <summary>The trace reference of the matrix result: dW1:i:j, dB1:0:j or dX:b:i.</summary>
    public string GradientRef => What switch
    {
        Kind.Weight => $"dW{Layer}:{Row}:{Col}",
        Kind.Bias => $"dB{Layer}:0:{Col}",
        _ => $"dX:{Row}:{Col}",
    };

    /// <summary>The dense layer whose units the paths enter first.</summary>
    public int FirstStage => What == Kind.Input ? 1 : Layer;

    /// <summary>Parses "L:i:j" (weight), "L:j" (bias) or "b:i" (input: example b, input i), all 1-based, and checks them against the trace.</summary>
    public static PathTarget Parse(Kind what, string text, Trace trace)
    {
        string setting = what switch { Kind.Weight => "weight", Kind.Bias => "bias", _ => "input" };
        string form = what switch { Kind.Weight => "LAYER:I:J such as 1:1:2", Kind.Bias => "LAYER:J such as 1:2", _ => "EXAMPLE:I such as 1:2" };
        string[] parts = text.Split(':');
        int expected = what == Kind.Weight ? 3 : 2;
        var n = new int[parts.Length];
        if (parts.Length != expected || !parts.Select((p, i) => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out n[i]) && n[i] >= 1).All(ok => ok))
            throw new BackpropException(setting, $"{setting} '{text}': expected {form} (numbers from 1)");
        if (what == Kind.Input)
        {
            if (n[0] > trace.Batch) throw new BackpropException(setting, $"{setting} '{text}': the batch has {trace.Batch} examples");
            if (n[1] > trace.X.Cols) throw new BackpropException(setting, $"{setting} '{text}': the network has {trace.X.Cols} inputs");
            return new PathTarget(what, 0, n[0] - 1, n[1] - 1);
        }
        if (n[0] > trace.Stages.Count) throw new BackpropException(setting, $"{setting} '{text}': the network has {trace.Stages.Count} dense layers");
        var stage = trace.Stages[n[0] - 1];
        if (what == Kind.Bias)
        {
            if (n[1] > stage.Units) throw new BackpropException(setting, $"{setting} '{text}': dense layer {n[0]} has {stage.Units} units");
            return new PathTarget(what, n[0], 0, n[1] - 1);
        }
        if (n[1] > stage.Inputs || n[2] > stage.Units)
            throw new BackpropException(setting, $"{setting} '{text}': W{Notation.Sup(n[0])} is {stage.Inputs}×{stage.Units} (inputs × units)");
        return new PathTarget(what, n[0], n[1] - 1, n[2] - 1);
    }
}
