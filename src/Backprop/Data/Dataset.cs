namespace Backprop.Data;

/// <summary>
/// Examples in memory: features as float32 rows (the precision data comes in), and either a class
/// label per example (classification) or a row of target values (regression).
/// </summary>
public sealed class Dataset
{
    public Dataset(string name, float[] features, int featureCount, int[] labels, int classes, string[]? classNames = null)
        : this(name, features, featureCount)
    {
        if (labels.Length != Count) throw new BackpropException($"{name}: {labels.Length} labels for {Count} examples");
        // Checked here, where the row is the data's own row (1-based), not later in a shuffled batch.
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classes)
                throw new BackpropException($"{name}: row {i + 1} has label {labels[i]}, outside the {classes} classes 0..{classes - 1}");
        Labels = labels;
        Classes = classes;
        ClassNames = classNames ?? [.. Enumerable.Range(0, classes).Select(c => c.ToString())];
    }

    public Dataset(string name, float[] features, int featureCount, float[] targets, int targetWidth)
        : this(name, features, featureCount)
    {
        if (targets.Length != Count * targetWidth) throw new BackpropException($"{name}: {targets.Length / Math.Max(targetWidth, 1)} target rows for {Count} examples");
        Targets = targets;
        TargetWidth = targetWidth;
    }

    private Dataset(string name, float[] features, int featureCount)
    {
        if (featureCount < 1 || features.Length % featureCount != 0)
            throw new BackpropException($"{name}: {features.Length} feature values do not make rows of {featureCount}");
        Name = name;
        Features = features;
        FeatureCount = featureCount;
        Count = features.Length / featureCount;
    }

    public string Name { get; }
    public int Count { get; }
    public int FeatureCount { get; }
    public float[] Features { get; }
    public int[]? Labels { get; }
    public int Classes { get; }
    public string[] ClassNames { get; } = [];
    public float[]? Targets { get; }
    public int TargetWidth { get; }
    public bool IsClassification => Labels is not null;

    /// <summary>Outputs a network needs for this data: one per class (two classes may also use one logit), or the target width.</summary>
    public int OutputCount => IsClassification ? Classes : TargetWidth;

    public ReadOnlySpan<float> Row(int i) => Features.AsSpan(i * FeatureCount, FeatureCount);

    /// <summary>The examples at <paramref name="indices"/>, in that order.</summary>
    public Dataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        var x = new float[indices.Count * FeatureCount];
        for (int k = 0; k < indices.Count; k++) Row(indices[k]).CopyTo(x.AsSpan(k * FeatureCount));
        name ??= Name;
        if (Labels is { } labels) return new Dataset(name, x, FeatureCount, [.. indices.Select(i => labels[i])], Classes, ClassNames);
        var t = new float[indices.Count * TargetWidth];
        for (int k = 0; k < indices.Count; k++) Targets.AsSpan(indices[k] * TargetWidth, TargetWidth).CopyTo(t.AsSpan(k * TargetWidth));
        return new Dataset(name, x, FeatureCount, t, TargetWidth);
    }

    /// <summary>A seeded shuffle split into train and test parts, each with at least one example.</summary>
    public (Dataset Train, Dataset Test) Split(double testFraction, int seed)
    {
        if (Count < 2) throw new BackpropException($"{Name}: {Count} example(s) cannot be split into a training and a test part");
        int[] order = [.. Enumerable.Range(0, Count)];
        new Random(seed).Shuffle(order);
        int testCount = Math.Clamp((int)Math.Round(Count * testFraction), 1, Count - 1);
        return (Subset(order[testCount..], Name + " (train)"), Subset(order[..testCount], Name + " (test)"));
    }

    public Dataset Take(int count) =>
        count < 1 ? throw new BackpropException($"{Name}: cannot take {count} examples (at least 1)")
        : count >= Count ? this : Subset([.. Enumerable.Range(0, count)]);
}
