using System.Numerics;
using Backprop.Layers;

namespace Backprop.Tests.Layers;

/// <summary>The vector loops of the activations give, bit for bit, what the scalar definitions give, body and tail.</summary>
public class ElementwiseTests
{
    public static TheoryData<int> Lengths => [0, 1, 7, 8, 9, 16, 31, 33, 100];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Vector_loops_match_the_scalar_definitions_in_float(int n) => Check<float>(n);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Vector_loops_match_the_scalar_definitions_in_double(int n) => Check<double>(n);

    private static void Check<T>(int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(n);
        T[] special = [T.Zero, T.NegativeZero, T.NaN, T.PositiveInfinity, T.NegativeInfinity, T.Epsilon, -T.Epsilon];
        var z = new T[n];
        for (int i = 0; i < n; i++) z[i] = i % 5 == 4 ? special[rng.Next(special.Length)] : T.CreateChecked(rng.NextDouble() * 4 - 2);
        var h = z.Select(v => T.CreateChecked(1 / (1 + Math.Exp(-double.CreateChecked(v))))).ToArray();
        T slope = T.CreateChecked(0.01);
        var actual = new T[n];

        Elementwise.Step<T>(z, T.One, slope, actual);
        Same(z.Select(v => v > T.Zero ? T.One : slope), actual, "step");
        Elementwise.Leaky<T>(z, slope, actual);
        Same(z.Select(v => v > T.Zero ? v : slope * v), actual, "leaky");
        Elementwise.TimesOneMinus<T>(h, actual);
        Same(h.Select(v => v * (T.One - v)), actual, "h(1-h)");
        Elementwise.OneMinusSquare<T>(h, actual);
        Same(h.Select(v => T.One - v * v), actual, "1-h²");
    }

    private static void Same<T>(IEnumerable<T> expected, T[] actual, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var e = expected.ToArray();
        for (int i = 0; i < e.Length; i++)
            Assert.True(e[i].Equals(actual[i]) && T.IsNegative(e[i]) == T.IsNegative(actual[i]), $"{what}[{i}]: expected {e[i]}, got {actual[i]}");
    }
}
