using System.Globalization;
using System.Xml.Linq;
using Backprop.Explain;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Tests.Explain;

/// <summary>Traces to test against: the articles' examples and seeded random networks.</summary>
internal static class ExplainFixtures
{
    /// <summary>The example's batch through <paramref name="steps"/> updates with η = <paramref name="lr"/> (explain's and report's defaults: 0.1, 1).</summary>
    public static Descent Descent(string name, double lr = 0.1, int steps = 1)
    {
        var e = Examples.Load(name);
        return Backprop.Explain.Descent.Record(e.Network.Build<double>(), Matrix<double>.FromRows(e.X), Matrix<double>.FromRows(e.T), lr, steps);
    }

    public static Trace Example(string name)
    {
        var e = Examples.Load(name);
        return Trace.Record(e.Network.Build<double>(), Matrix<double>.FromRows(e.X), Matrix<double>.FromRows(e.T));
    }

    /// <summary>A random network: sizes like [3, 4, 2], one activation (or none: linear) after every dense layer but the last.</summary>
    public static Trace Random(int seed, int[] sizes, string? activation, int batch, string loss = "half_sse")
    {
        var rng = new Random(seed);
        var layers = new List<LayerSpec>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            if (i > 0 && activation is not null) layers.Add(new LayerSpec(activation));
            layers.Add(new LayerSpec("dense")
            {
                Inputs = sizes[i],
                Outputs = sizes[i + 1],
                Weights = Rows(rng, sizes[i], sizes[i + 1]),
                Bias = Rows(rng, 1, sizes[i + 1])[0],
            });
        }
        var net = new NetworkSpec(layers, loss).Build<double>();
        return Trace.Record(net, Matrix<double>.FromRows(Rows(rng, batch, sizes[0])), Matrix<double>.FromRows(Rows(rng, batch, sizes[^1])));
    }

    private static double[][] Rows(Random rng, int rows, int cols) =>
        Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, cols).Select(_ => rng.NextDouble() * 2 - 1).ToArray()).ToArray();

    /// <summary>
    /// Every element carrying data-ref shows a number that equals the trace value it names, to the four
    /// significant digits shown. Returns how many were checked.
    /// </summary>
    public static int CheckRefs(XContainer document, Trace trace) => CheckRefs(document, trace.Resolve);

    /// <summary>As <see cref="CheckRefs(XContainer, Trace)"/>, for the references of a descent (keys that may carry "@pass").</summary>
    public static int CheckRefs(XContainer document, Descent descent) => CheckRefs(document, descent.Resolve);

    private static int CheckRefs(XContainer document, Func<string, double> resolve)
    {
        int n = 0;
        foreach (var e in document.Descendants().Where(e => e.Attribute("data-ref") is not null))
        {
            string reference = e.Attribute("data-ref")!.Value;
            string text = e.Value.Trim();
            Assert.True(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double shown), $"'{text}' (for {reference}) is not a number");
            double expected = resolve(reference);
            Assert.True(Math.Abs(shown - expected) <= 6e-4 * Math.Abs(expected) + 1e-300,
                $"{reference}: shows {text}, the trace holds {expected}");
            n++;
        }
        return n;
    }

    public static readonly string[] AllExamples = [.. Examples.Names];
}
