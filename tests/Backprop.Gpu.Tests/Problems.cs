using Backprop.Data;

namespace Backprop.Gpu.Tests;

/// <summary>Small seeded data sets: the CPU accelerator is slow, so the tests train tiny networks for a few steps.</summary>
internal static class Problems
{
    /// <summary>count examples of features drawn from N(0, 1)-ish uniform noise, labels spread over the classes.</summary>
    public static Dataset Classification(int count, int features, int classes, int seed = 7)
    {
        var rng = new Random(seed);
        var x = new float[count * features];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = (int)(Math.Abs(x[i * features] * 7919 + i) % classes);
        return new Dataset("noise", x, features, labels, classes);
    }

    /// <summary>Regression targets in (0, 1), so that every loss (bce_with_logits and soft cross-entropy too) takes them.</summary>
    public static Dataset Regression(int count, int features, int outputs, int seed = 11, bool rowsSumToOne = false)
    {
        var rng = new Random(seed);
        var x = new float[count * features];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var t = new float[count * outputs];
        for (int i = 0; i < t.Length; i++) t[i] = (float)rng.NextDouble();
        if (rowsSumToOne)
        {
            for (int r = 0; r < count; r++)
            {
                float sum = 0;
                for (int k = 0; k < outputs; k++) sum += t[r * outputs + k];
                for (int k = 0; k < outputs; k++) t[r * outputs + k] /= sum;
            }
        }
        return new Dataset("noise", x, features, t, outputs);
    }
}
