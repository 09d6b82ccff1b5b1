using System.Numerics.Tensors;
using Backprop.Layers;

namespace Backprop.Tests.Layers;

/// <summary>
/// The scalar float32 sigmoid and tanh that WebAssembly takes (see <see cref="Saturating"/>) against the float64
/// definitions and against TensorPrimitives, which every other platform takes: they may differ in the last
/// bits only. Run here on x64, where the scalar path is not the default.
/// </summary>
public class SaturatingTests
{
    // Float32 rounding of one transcendental and a division: a few units in the last place.
    private const double Ulps = 4;

    private static float[] Inputs()
    {
        var rng = new Random(7);
        var z = new List<float> { 0f, -0f, 1e-30f, -1e-30f, 1e-5f, 0.3f, -0.7f, 5f, -9f, 20f, -20f, 88f, -88f, 104f, -104f, 1e30f, -1e30f };
        for (int i = 0; i < 2000; i++) z.Add((float)(rng.NextDouble() * 24 - 12));
        return [.. z];
    }

    private static double Ulp(double x) => Math.Max((double)MathF.BitIncrement((float)Math.Abs(x)) - (float)Math.Abs(x), float.Epsilon);

    // TensorPrimitives' vector functions are accurate to float32's epsilon absolutely, not relatively: their tanh(0)
    // is −6e-8, not 0. The scalar functions are compared with them to that.
    private static double Absolute(double x) => Ulps * Math.Max(Ulp(x), 1.0 / (1 << 23));

    /// <summary>Each function: the scalar path WebAssembly takes, TensorPrimitives', the float64 reference and its range.</summary>
    private static (Action<float[], float[]> Scalar, Action<float[], float[]> Vector, Func<double, double> Exact, float Low) Function(string name) => name switch
    {
        "sigmoid" => ((z, h) => Saturating.SigmoidScalar(z, h), (z, h) => TensorPrimitives.Sigmoid<float>(z, h), x => 1 / (1 + Math.Exp(-x)), 0f),
        _ => ((z, h) => Saturating.TanhScalar(z, h), (z, h) => TensorPrimitives.Tanh<float>(z, h), Math.Tanh, -1f),
    };

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    public void Scalar_function_is_within_a_few_ulps_of_float64_and_of_TensorPrimitives(string name)
    {
        var (scalar, vectorized, exactOf, low) = Function(name);
        var z = Inputs();
        var h = new float[z.Length];
        var vector = new float[z.Length];
        scalar(z, h);
        vectorized(z, vector);
        for (int i = 0; i < z.Length; i++)
        {
            double exact = exactOf(z[i]);
            Assert.True(Math.Abs(h[i] - exact) <= Ulps * Ulp(exact), $"{name}({z[i]:R}) = {h[i]:R}, exact {exact:R}");
            Assert.True(Math.Abs(h[i] - vector[i]) <= Absolute(exact), $"{name}({z[i]:R}) = {h[i]:R}, TensorPrimitives {vector[i]:R}");
            Assert.InRange(h[i], low, 1f);
        }
    }

    [Fact]
    public void Scalar_functions_keep_the_sign_of_zero_and_pass_NaN_and_infinities_through()
    {
        float[] z = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f];
        var s = new float[4];
        var t = new float[4];
        Saturating.SigmoidScalar(z, s);
        Saturating.TanhScalar(z, t);
        Assert.Equal([float.NaN, 1f, 0f, 0.5f], s);
        Assert.Equal([float.NaN, 1f, -1f], t[..3]);
        Assert.True(float.IsNegative(t[3]) && t[3] == 0, "tanh(−0) = −0");
    }

    [Fact]
    public void Activations_give_TensorPrimitives_results_off_WebAssembly()
    {
        Assert.False(Saturating.ScalarFloat32); // x64 or arm64: the vector functions, bit for bit
        float[] z = Inputs();
        var h = new float[z.Length];
        var expected = new float[z.Length];
        Saturating.Tanh<float>(z, h);
        TensorPrimitives.Tanh<float>(z, expected);
        Assert.Equal(expected, h);
        Saturating.Sigmoid<float>(z, h);
        TensorPrimitives.Sigmoid<float>(z, expected);
        Assert.Equal(expected, h);
    }

    [Fact]
    public void A_short_destination_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Saturating.SigmoidScalar(new float[3], new float[2]));
        Assert.Throws<ArgumentException>(() => Saturating.TanhScalar(new float[3], new float[2]));
    }
}
