using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Checking;

/// <summary>How one parameter tensor's analytic gradient compares with finite differences.</summary>
public sealed record TensorCheck(int Layer, string Parameter, int Count, double MaxAbsoluteError, double MaxRelativeError)
{
    /// <summary>"layer L name", for messages.</summary>
    public string Name => $"layer {Layer} {Parameter}";
}

/// <summary>
/// Checks backpropagation against the definition of the derivative, in float64:
/// ∂L/∂θ ≈ [−L(θ+2h) + 8L(θ+h) − 8L(θ−h) + L(θ−2h)] / 12h, the fourth-order central difference,
/// whose error (≈h⁴) is far below the 1e-6 we ask for even with h large enough to dodge rounding.
/// Relative error is |a − n| / max(|a|, |n|, 1e-4): the floor keeps gradients that are
/// nearly zero from turning rounding noise into a huge ratio.
/// </summary>
public static class GradientCheck
{
    /// <summary>h, the finite-difference step.</summary>
    public const double Step = 1e-4;
    /// <summary>The floor of the relative error's denominator.</summary>
    public const double Floor = 1e-4;

    /// <summary>Compares every parameter's gradient (and ∂L/∂X when asked) with finite differences.</summary>
    /// <param name="network">A float64 network; its weights are restored after each nudge.</param>
    /// <param name="x">The batch.</param>
    /// <param name="targets">Its targets.</param>
    /// <param name="includeInputs">Whether to check ∂L/∂X too.</param>
    public static IReadOnlyList<TensorCheck> Run(Network<double> network, Matrix<double> x, Matrix<double> targets, bool includeInputs = false)
    {
        network.ComputeGradients(x, targets, needInputGradient: includeInputs);
        var results = new List<TensorCheck>();
        for (int l = 0; l < network.Layers.Count; l++)
        {
            foreach (var p in network.Layers[l].Parameters)
                results.Add(Compare(l, p.Name, p.Gradient.Clone(), p.Value, () => network.Evaluate(x, targets)));
        }
        if (includeInputs)
        {
            var analytic = network.Layers[0].InputGradient!.Clone();
            results.Add(Compare(0, "X", analytic, x, () => network.Evaluate(x, targets)));
        }
        return results;
    }

    private static TensorCheck Compare(int layer, string name, Matrix<double> analytic, Matrix<double> values, Func<double> loss)
    {
        double maxAbs = 0, maxRel = 0;
        var v = values.Span;
        for (int i = 0; i < v.Length; i++)
        {
            double original = v[i];
            double At(double offset)
            {
                values.Span[i] = original + offset;
                return loss();
            }
            double numeric = (-At(2 * Step) + 8 * At(Step) - 8 * At(-Step) + At(-2 * Step)) / (12 * Step);
            values.Span[i] = original;
            double a = analytic.Span[i];
            double abs = Math.Abs(a - numeric);
            maxAbs = Math.Max(maxAbs, abs);
            maxRel = Math.Max(maxRel, abs / Math.Max(Math.Max(Math.Abs(a), Math.Abs(numeric)), Floor));
        }
        return new TensorCheck(layer, name, v.Length, maxAbs, maxRel);
    }
}
