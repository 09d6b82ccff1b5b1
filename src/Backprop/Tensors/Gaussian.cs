namespace Backprop.Tensors;

/// <summary>Normal draws from a seeded generator, for initial weights, synthetic data and random test batches.</summary>
public static class Gaussian
{
    /// <summary>Box–Muller: one N(0, 1) draw from two uniforms.</summary>
    public static double StandardNormal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(); // (0, 1]: keeps log finite
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
