using Backprop.Data;
using Backprop.Tensors;

namespace Backprop.Tests.Analysis;

/// <summary>Seeded random inputs for the analysis tests.</summary>
internal static class TestData
{
    public static Matrix<T> Normal<T>(int rows, int cols, int seed) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var m = new Matrix<T>(rows, cols);
        var span = m.Span;
        for (int i = 0; i < span.Length; i++) span[i] = T.CreateChecked(Gaussian.StandardNormal(rng));
        return m;
    }

    /// <summary>A classification set of Gaussian features with random labels.</summary>
    public static Dataset Classes(int count, int features, int classes, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count * features];
        for (int i = 0; i < x.Length; i++) x[i] = (float)Gaussian.StandardNormal(rng);
        var y = new int[count];
        for (int i = 0; i < count; i++) y[i] = rng.Next(classes);
        return new Dataset("random", x, features, y, classes);
    }
}
