namespace Backprop.Explain.Paths;

/// <summary>One local derivative on a path: its symbol, its trace reference (KEY:row:col) and value.</summary>
public sealed record PathFactor(string Symbol, string Ref, double Value);

/// <summary>
/// One path from the loss down to the target, for one example of the batch: the product of the local
/// derivatives along it is its share of the gradient (the second article's "product of all weights in the path").
/// </summary>
public sealed record GradientPath(int Example, IReadOnlyList<PathFactor> Factors, IReadOnlyList<int> Units)
{
    /// <summary>The product of the factors: this path's share of the gradient.</summary>
    public double Product => Factors.Aggregate(1.0, (p, f) => p * f.Value);

    /// <summary>The product as one trace reference (factors joined by '*'), "1" for an empty path.</summary>
    public string Ref => Factors.Count == 0 ? "" : string.Join("*", Factors.Select(f => f.Ref));
}
