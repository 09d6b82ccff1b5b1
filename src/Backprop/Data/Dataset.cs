namespace Backprop.Data;

/// <summary>
/// Examples in memory: features as float32 rows (the precision data comes in), and either a class
/// label per example (classification) or a row of target values (regression).
/// </summary>
public sealed class Dataset
{
    /// <summary>A classification set.</summary>
    /// <param name="name">Names the set in messages.</param>
    /// <param name="features">The features, row after row.</param>
    /// <param name="featureCount">Features per example.</param>
    /// <param name="labels">The class of each example, from 0.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="classNames">A name per class; null for 0, 1, ….</param>
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

    /// <summary>A regression set.</summary>
    /// <param name="name">Names the set in messages.</param>
    /// <param name="features">The features, row after row.</param>
    /// <param name="featureCount">Features per example.</param>
    /// <param name="targets">The target values, row after row.</param>
    /// <param name="targetWidth">Target values per example.</param>
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

    /// <summary>Names the set in messages.</summary>
    public string Name { get; }
    /// <summary>The number of examples.</summary>
    public int Count { get; }
    /// <summary>Features per example.</summary>
    public int FeatureCount { get; }
    /// <summary>The features, row after row (Count·FeatureCount values).</summary>
    public float[] Features { get; }
    /// <summary>The class of each example; null for regression.</summary>
    public int[]? Labels { get; }
    /// <summary>The number of classes (0 for regression).</summary>
    public int Classes { get; }
    /// <summary>A name per class.</summary>
    public string[] ClassNames { get; } = [];
    /// <summary>The target values, row after row; null for classification.</summary>
    public float[]? Targets { get; }
    /// <summary>Target values per example (0 for classification).</summary>
    public int TargetWidth { get; }
    /// <summary>True when the examples have labels.</summary>
    public bool IsClassification => Labels is not null;

    /// <summary>Outputs a network needs for this data: one per class (two classes may also use one logit), or the target width.</summary>
    public int OutputCount => IsClassification ? Classes : TargetWidth;

    /// <summary>The features of example <paramref name="i"/>.</summary>
    /// <param name="i">The example, from 0.</param>
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

    /// <summary>The first <paramref name="count"/> examples (all when there are fewer).</summary>
    /// <param name="count">At least 1.</param>
    public Dataset Take(int count) =>
        count < 1 ? throw new BackpropException($"{Name}: cannot take {count} examples (at least 1)")
        : count >= Count ? this : Subset([.. Enumerable.Range(0, count)]);
}
