using Backprop.Data;

namespace Backprop.Tests.Api;

/// <summary>Data sets as the plain arrays a library user has.</summary>
internal static class ApiData
{
    public static float[,] Features(Dataset data)
    {
        var x = new float[data.Count, data.FeatureCount];
        for (int i = 0; i < data.Count; i++)
            for (int j = 0; j < data.FeatureCount; j++) x[i, j] = data.Features[i * data.FeatureCount + j];
        return x;
    }

    public static double[,] ToDouble(float[,] a)
    {
        var d = new double[a.GetLength(0), a.GetLength(1)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) d[i, j] = a[i, j];
        return d;
    }

    public static float[,] Random(int rows, int cols, int seed, double scale = 1)
    {
        var rng = new Random(seed);
        var x = new float[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) x[i, j] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return x;
    }

    public static float[] Bits<T>(Model.Network<T> network) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        [.. network.Parameters.SelectMany(p => p.Value.ToArray()).Select(v => float.CreateTruncating(v))];

    public static double[] Values<T>(Model.Network<T> network) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        [.. network.Parameters.SelectMany(p => p.Value.ToArray()).Select(v => double.CreateTruncating(v))];
}
