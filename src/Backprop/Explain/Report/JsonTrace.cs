using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Backprop.Explain.Paths;
using Backprop.Explain.Steps;
using Backprop.Tensors;

namespace Backprop.Explain.Report;

/// <summary>The step walk (and a path sum, when asked) as JSON with full-precision numbers, for programs and tests.</summary>
public static class JsonTrace
{
    /// <summary>
    /// Symbols written as themselves (W¹, +, ∂E/∂W¹, not \u00B9 or \u002B): the output is UTF-8 JSON for programs and
    /// people, never pasted into HTML unescaped.
    /// </summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;


    /// <summary>The JSON text.</summary>
    /// <param name="trace">The recorded pass.</param>
    /// <param name="steps">The step walk of <paramref name="trace"/>.</param>
    /// <param name="paths">A path sum to include, or null.</param>
    public static string Write(Trace trace, IReadOnlyList<TraceStep> steps, PathSum? paths = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = Encoder }))
        {
            w.WriteStartObject();
            w.WriteNumber("loss", trace.Loss);
            w.WriteString("loss_name", trace.LossName);
            w.WriteNumber("batch", trace.Batch);
            w.WriteStartArray("steps");
            foreach (var s in steps)
            {
                w.WriteStartObject();
                w.WriteString("phase", s.Phase);
                w.WriteString("title", s.Title);
                w.WriteString("equation", s.Equation.Text);
                w.WriteStartArray("matrices");
                foreach (var m in s.Matrices)
                {
                    w.WriteStartObject();
                    w.WriteString("key", m.Key);
                    w.WriteString("symbol", m.Symbol);
                    if (m.Transposed) w.WriteBoolean("transposed", true);
                    w.WritePropertyName("values");
                    WriteMatrix(w, m.Value);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                if (s.Check is { } c) WriteCheck(w, c);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (paths is not null) WritePaths(w, paths);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WritePaths(Utf8JsonWriter w, PathSum sum)
    {
        w.WriteStartObject("paths");
        w.WriteString("target", sum.Target.Symbol);
        w.WriteString("gradient_ref", sum.Target.GradientRef);
        w.WriteString("count", sum.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteBoolean("complete", sum.Complete);
        w.WriteNumber("total", sum.Total);
        w.WriteNumber("matrix_value", sum.MatrixValue);
        w.WriteStartArray("listed");
        foreach (var p in sum.Listed)
        {
            w.WriteStartObject();
            w.WriteNumber("example", p.Example + 1);
            w.WriteString("ref", p.Ref);
            w.WriteNumber("product", p.Product);
            w.WriteStartArray("factors");
            foreach (var f in p.Factors)
            {
                w.WriteStartObject();
                w.WriteString("symbol", f.Symbol);
                w.WriteString("ref", f.Ref);
                w.WriteNumber("value", f.Value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>A step's identity check as the property <c>check</c>: identity, max_error, tolerance, passed.</summary>
    /// <param name="w">The writer, inside an object.</param>
    /// <param name="check">The check.</param>
    public static void WriteCheck(Utf8JsonWriter w, IdentityCheck check)
    {
        w.WriteStartObject("check");
        w.WriteString("identity", check.Identity);
        w.WriteNumber("max_error", check.MaxError);
        w.WriteNumber("tolerance", check.Tolerance);
        w.WriteBoolean("passed", check.Passed);
        w.WriteEndObject();
    }

    /// <summary>A matrix as an array of rows, every number at round-trip precision.</summary>
    /// <param name="w">The writer, where a value goes.</param>
    /// <param name="m">The matrix.</param>
    public static void WriteMatrix(Utf8JsonWriter w, Matrix<double> m)
    {
        w.WriteStartArray();
        for (int i = 0; i < m.Rows; i++)
        {
            w.WriteStartArray();
            for (int j = 0; j < m.Cols; j++) w.WriteNumberValue(m[i, j]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }
}
