using System.Globalization;
using System.Numerics;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Explain;

/// <summary>
/// What comes after the gradients, as the first article's training loop implies: the update
/// W ← W − η·∂E/∂W (the library's own plain SGD step) and the forward pass that follows it, repeated
/// for a number of steps on the same batch. Each pass is a <see cref="Trace"/>; pass 1 is before any update.
/// </summary>
public sealed class Descent
{
    private Descent(double learningRate, IReadOnlyList<Trace> passes) => (LearningRate, Passes) = (learningRate, passes);

    /// <summary>η, the learning rate of every update.</summary>
    public double LearningRate { get; }

    /// <summary>The passes in order: Passes[0] is pass 1 (the weights as given), Passes[n] the pass after n updates.</summary>
    public IReadOnlyList<Trace> Passes { get; }

    /// <summary>The pass before any update.</summary>
    public Trace First => Passes[0];

    /// <summary>The pass after the last update.</summary>
    public Trace Last => Passes[^1];

    /// <summary>The number of updates (passes − 1).</summary>
    public int Steps => Passes.Count - 1;

    /// <summary>
    /// Records pass 1, then <paramref name="steps"/> times: W ← W − η·∂E/∂W for every weight and bias, and
    /// the next pass. The network's parameters are changed in place.
    /// </summary>
    public static Descent Record<T>(Network<T> network, Matrix<T> x, Matrix<T> targets, double learningRate, int steps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate)) throw new BackpropException($"the learning rate must be a positive number, got {learningRate.ToString(CultureInfo.InvariantCulture)}");
        if (steps < 1) throw new BackpropException($"the number of update steps must be at least 1, got {steps}");
        var passes = new List<Trace> { Trace.Record(network, x, targets) };
        var sgd = new Sgd<T>(learningRate);
        var parameters = network.Parameters.ToList();
        for (int s = 0; s < steps; s++)
        {
            sgd.Step(parameters); // the gradients of the pass just recorded
            passes.Add(Trace.Record(network, x, targets));
        }
        return new Descent(learningRate, passes);
    }

    /// <summary>The key of a matrix of pass <paramref name="pass"/> (from 1): "W1" for pass 1, "W1@2" for pass 2.</summary>
    public static string Key(string key, int pass) => pass == 1 ? key : $"{key}@{pass.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A matrix by key, as <see cref="Trace.Get"/>, with "@n" naming pass n (no suffix: pass 1).</summary>
    public Matrix<double> Get(string key)
    {
        int at = key.IndexOf('@', StringComparison.Ordinal);
        if (at < 0) return First.Get(key);
        if (!int.TryParse(key.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int pass) || pass < 1 || pass > Passes.Count)
            throw new BackpropException($"the descent has no pass in '{key}' (passes 1 to {Passes.Count})");
        return Passes[pass - 1].Get(key[..at]);
    }

    /// <summary>The value a reference names, as <see cref="Trace.Resolve"/>, with keys that may carry "@n".</summary>
    public double Resolve(string reference)
    {
        double product = 1;
        foreach (string factor in reference.Split('*'))
        {
            if (factor.StartsWith('|') && factor.EndsWith('|')) { product *= Trace.Norm(Get(factor[1..^1])); continue; }
            string[] parts = factor.Split(':');
            if (parts.Length != 3) throw new BackpropException($"bad trace reference '{factor}' (expected KEY:row:col)");
            product *= Get(parts[0])[int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture)];
        }
        return product;
    }
}
