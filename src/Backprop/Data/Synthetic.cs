namespace Backprop.Data;

/// <summary>
/// Small two-dimensional data sets made in code, so training works with no download: each is a classic
/// picture of what a hidden layer buys (none of them is linearly separable except the blobs).
/// </summary>
public static class Synthetic
{
    /// <summary>The built-in sets.</summary>
    public static readonly string[] Names = ["xor", "circles", "spirals", "blobs"];

    /// <summary>A built-in set by name, with its usual size.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="seed">The seed of its random points.</param>
    public static Dataset Create(string name, int seed = 1) => name switch
    {
        "xor" => Xor(),
        "circles" => Circles(400, seed),
        "spirals" => Spirals(400, seed),
        "blobs" => Blobs(600, 3, seed),
        _ => throw new BackpropException($"unknown data set '{name}' (expected one of: {string.Join(", ", Names)}, fashion-mnist, or a .csv file)"),
    };

    /// <summary>The four corners of the unit square; the class is x₁ XOR x₂.</summary>
    public static Dataset Xor() => new("xor", [0, 0, 0, 1, 1, 0, 1, 1], 2, [0, 1, 1, 0], 2);

    /// <summary>A disc inside a ring.</summary>
    public static Dataset Circles(int count, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count * 2];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = i % 2;
            double r = (y[i] == 0 ? 0.5 : 1.0) + 0.1 * (rng.NextDouble() - 0.5);
            double a = 2 * Math.PI * rng.NextDouble();
            x[2 * i] = (float)(r * Math.Cos(a));
            x[2 * i + 1] = (float)(r * Math.Sin(a));
        }
        return new Dataset("circles", x, 2, y, 2);
    }

    /// <summary>Two interleaved spirals, each turning one and three quarter times, scaled to about [−1, 1].</summary>
    public static Dataset Spirals(int count, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count * 2];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = i % 2;
            double t = Math.Sqrt(rng.NextDouble()) * 3.5 * Math.PI; // sqrt: even density along the arm
            double sign = y[i] == 0 ? 1 : -1;
            x[2 * i] = (float)(sign * -Math.Cos(t) * t / 11 + 0.02 * Normal(rng));
            x[2 * i + 1] = (float)(sign * Math.Sin(t) * t / 11 + 0.02 * Normal(rng));
        }
        return new Dataset("spirals", x, 2, y, 2);
    }

    /// <summary>Gaussian blobs around evenly spaced centres on a circle.</summary>
    public static Dataset Blobs(int count, int classes, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count * 2];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = i % classes;
            double a = 2 * Math.PI * y[i] / classes;
            x[2 * i] = (float)(Math.Cos(a) + 0.3 * Normal(rng));
            x[2 * i + 1] = (float)(Math.Sin(a) + 0.3 * Normal(rng));
        }
        return new Dataset("blobs", x, 2, y, classes);
    }

    private static double Normal(Random rng) => Tensors.Gaussian.StandardNormal(rng);
}
