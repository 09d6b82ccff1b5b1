using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Tensors;

namespace Backprop.Analysis;

/// <summary>The few statistics of a matrix the analyses report, computed in double.</summary>
internal static class Moments
{
    /// <summary>Frobenius norm ‖M‖ = √Σ m².</summary>
    public static double Norm<T>(Matrix<T> m) where T : unmanaged, IFloatingPointIeee754<T> => Math.Sqrt(SumOfSquares(m.Span));

    /// <summary>E[m²], the mean of the squares: for a zero-mean quantity, its variance.</summary>
    public static double MeanSquare<T>(Matrix<T> m) where T : unmanaged, IFloatingPointIeee754<T> =>
        m.Length == 0 ? 0 : SumOfSquares(m.Span) / m.Length;

    public static double Max<T>(Matrix<T> m) where T : unmanaged, IFloatingPointIeee754<T> =>
        m.Length == 0 ? 0 : double.CreateChecked(TensorPrimitives.Max<T>(m.Span));

    public static double Mean<T>(Matrix<T> m) where T : unmanaged, IFloatingPointIeee754<T> =>
        m.Length == 0 ? 0 : double.CreateChecked(TensorPrimitives.Sum<T>(m.Span)) / m.Length;

    /// <summary>
    /// The spectral norm ‖W‖₂ (largest singular value) by power iteration on WᵀW: the most a product
    /// with W (or Wᵀ) can stretch a vector, hence a bound on how much a layer can grow a gradient.
    /// </summary>
    public static double SpectralNorm<T>(Matrix<T> w, int iterations = 50) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = w.Rows, cols = w.Cols;
        var v = new double[cols];
        var u = new double[rows];
        var rng = new Random(12345);
        for (int j = 0; j < cols; j++) v[j] = rng.NextDouble() + 0.5;
        double sigma = 0;
        for (int it = 0; it < iterations; it++)
        {
            for (int i = 0; i < rows; i++)
            {
                double s = 0;
                var row = w.Row(i);
                for (int j = 0; j < cols; j++) s += double.CreateChecked(row[j]) * v[j];
                u[i] = s;                                                     // u = W·v
            }
            Array.Clear(v);
            for (int i = 0; i < rows; i++)
            {
                var row = w.Row(i);
                for (int j = 0; j < cols; j++) v[j] += double.CreateChecked(row[j]) * u[i]; // v = Wᵀ·u
            }
            double norm = Math.Sqrt(v.Sum(x => x * x));
            if (norm == 0) return 0;
            sigma = Math.Sqrt(norm);                                          // ‖WᵀW v‖ → σ² for unit v
            for (int j = 0; j < cols; j++) v[j] /= norm;
        }
        return sigma;
    }

    private static double SumOfSquares<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        foreach (var x in values)
        {
            double d = double.CreateChecked(x);
            sum += d * d;
        }
        return sum;
    }
}
