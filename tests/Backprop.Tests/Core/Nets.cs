using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Tests.Core;

/// <summary>Builders for the small networks the tests use.</summary>
internal static class Nets
{
    public static LayerSpec Dense(double[][] w, double[]? b = null) =>
        new("dense") { Weights = w, Bias = b ?? new double[w[0].Length] };

    public static Network<double> Linear(params double[][][] weights) =>
        new NetworkSpec([.. weights.Select(w => Dense(w))], "half_sse").Build<double>();

    public static Matrix<double> M(params double[][] rows) => Matrix<double>.FromRows(rows);

    public static double[][] RandomMatrix(Random rng, int rows, int cols) =>
        [.. Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, cols).Select(_ => rng.NextDouble() * 2 - 1).ToArray())];
}
