using Backprop.Tensors;

namespace Backprop.Explain.Steps;

/// <summary>
/// The two sides of each identity, the right side recomputed from the trace's own matrices with plain
/// loops. This checks the recorded numbers against the formulas; it never feeds a number to a picture.
/// </summary>
internal static class IdentityChecks
{
    /// <summary>Largest |a − b| over all elements.</summary>
    public static double MaxError(Matrix<double> a, Matrix<double> b)
    {
        if (a.Rows != b.Rows || a.Cols != b.Cols) return double.PositiveInfinity;
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a.Span[i] - b.Span[i]));
        return max;
    }

    /// <summary>What rounding may explain: a few epsilons per term of a sum of <paramref name="terms"/> products, scaled by the sizes involved.</summary>
    public static double Tolerance(double epsilon, int terms, params Matrix<double>[] scale)
    {
        double size = 1;
        foreach (var m in scale) foreach (double v in m.Span) size = Math.Max(size, Math.Abs(v));
        return 8 * epsilon * (terms + 1) * size * size;
    }

    /// <summary>A·B, with A or B transposed on request.</summary>
    public static Matrix<double> Product(Matrix<double> a, Matrix<double> b, bool transposeA = false, bool transposeB = false)
    {
        int n = transposeA ? a.Cols : a.Rows, inner = transposeA ? a.Rows : a.Cols, m = transposeB ? b.Rows : b.Cols;
        var c = new Matrix<double>(n, m);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                double sum = 0;
                for (int p = 0; p < inner; p++) sum += (transposeA ? a[p, i] : a[i, p]) * (transposeB ? b[j, p] : b[p, j]);
                c[i, j] = sum;
            }
        return c;
    }

    public static Matrix<double> AddRow(Matrix<double> a, Matrix<double> row) => Map(a, (i, j, v) => v + row[0, j]);

    public static Matrix<double> ColumnSums(Matrix<double> a)
    {
        var s = new Matrix<double>(1, a.Cols);
        for (int i = 0; i < a.Rows; i++) for (int j = 0; j < a.Cols; j++) s[0, j] += a[i, j];
        return s;
    }

    public static Matrix<double> Hadamard(Matrix<double> a, Matrix<double> b) => Map(a, (i, j, v) => v * b[i, j]);

    public static Matrix<double> Map(Matrix<double> a, Func<int, int, double, double> f)
    {
        var r = new Matrix<double>(a.Rows, a.Cols);
        for (int i = 0; i < a.Rows; i++) for (int j = 0; j < a.Cols; j++) r[i, j] = f(i, j, a[i, j]);
        return r;
    }

    /// <summary>σ(L) from its formula (written here again, independently of the layers, to check them).</summary>
    public static Matrix<double>? Activate(string type, Matrix<double> l, double? slope = null) => type switch
    {
        "leaky_relu" when slope is { } a => Map(l, (_, _, z) => z > 0 ? z : a * z),
        "identity" => l.Clone(),
        "sigmoid" => Map(l, (_, _, z) => 1 / (1 + Math.Exp(-z))),
        "tanh" => Map(l, (_, _, z) => Math.Tanh(z)),
        "relu" => Map(l, (_, _, z) => Math.Max(0, z)),
        _ => null,
    };

    /// <summary>σ′(L) written with H = σ(L) where the articles do (sigmoid: H(1 − H)).</summary>
    public static Matrix<double>? Derivative(string type, Matrix<double> l, Matrix<double> h, double? slope = null) => type switch
    {
        "leaky_relu" when slope is { } a => Map(l, (_, _, z) => z > 0 ? 1 : a),
        "identity" => Map(l, (_, _, _) => 1),
        "sigmoid" => Map(h, (_, _, a) => a * (1 - a)),
        "tanh" => Map(h, (_, _, a) => 1 - a * a),
        "relu" => Map(l, (_, _, z) => z > 0 ? 1 : 0),
        _ => null,
    };

    /// <summary>∂E/∂Y for the squared-error losses; null for the others (their gradient is not restated here).</summary>
    public static Matrix<double>? LossGradient(string loss, Matrix<double> y, Matrix<double> t) => loss switch
    {
        "sse" => Map(y, (i, j, v) => 2 * (v - t[i, j])),
        "half_sse" => Map(y, (i, j, v) => v - t[i, j]),
        "mse" => Map(y, (i, j, v) => 2 * (v - t[i, j]) / y.Length),
        _ => null,
    };
}
