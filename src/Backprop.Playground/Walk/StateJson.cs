using System.Text;
using System.Text.Json;
using Backprop.Explain;
using Backprop.Explain.Report;
using Backprop.Explain.Steps;
using Backprop.Explain.Svg;
using Backprop.Tensors;

namespace Backprop.Playground.Walk;

/// <summary>
/// The page's view of a problem: the steps of <c>explain --format json</c> (with each equation's MathML and
/// note added) whose matrices are named by trace key and sent once in <c>matrices</c> (so that an edit's
/// answer stays small and fast), every weight and gradient per layer in the layout of <c>grad</c>, the
/// batch, and the forward and backward diagrams. Numbers are written at round-trip precision, or, given a list
/// of <c>numbers</c>, kept apart (see <see cref="WriteMatrix"/>). <c>GET /api/s/{id}/trace</c> gives
/// <c>explain --format json</c> itself.
/// </summary>
internal static class StateJson
{
    public static string Write(Problem problem, Trace trace, IReadOnlyList<TraceStep> steps, List<double>? numbers = null)
    {
        var matrices = new Dictionary<string, Matrix<double>>(StringComparer.Ordinal);
        using var stream = new MemoryStream();
        // explain's relaxed escaping: the MathML and SVG keep their <, > and Greek as they are, where the default
        // encoder wrote each as \uXXXX (slower to write, in the browser's interpreter most of all, and longer).
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JsonTrace.Encoder }))
        {
            w.WriteStartObject();
            w.WriteNumber("loss", trace.Loss);
            w.WriteString("loss_name", trace.LossName);
            w.WriteNumber("batch", trace.Batch);
            w.WriteStartArray("steps");
            foreach (var s in PageSteps(trace, steps))
                WriteStep(w, s.Phase, s.Title, s.Equation, s.Note, s.Matrices, s.Check, matrices);
            w.WriteEndArray();
            // Each matrix once, by its trace key: the steps name them.
            w.WriteStartObject("matrices");
            foreach (var (key, m) in matrices)
            {
                w.WritePropertyName(key);
                WriteMatrix(w, m, numbers);
            }
            w.WriteEndObject();
            w.WriteString("name", problem.Name);
            w.WriteString("activation", trace.Stages.FirstOrDefault(s => s.Activation is not null)?.Activation);
            w.WriteStartArray("sizes");
            w.WriteNumberValue(trace.X.Cols);
            foreach (var s in trace.Stages) w.WriteNumberValue(s.Units);
            w.WriteEndArray();
            w.WriteBoolean("trainable", problem.Train is not null);
            w.WriteStartArray("layers");
            foreach (var s in trace.Stages)
            {
                w.WriteStartObject();
                w.WritePropertyName("weights");
                WriteMatrix(w, s.W, numbers);
                w.WritePropertyName("weights_grad");
                WriteMatrix(w, s.DW, numbers);
                w.WritePropertyName("bias");
                Row(w, s.B, numbers);
                w.WritePropertyName("bias_grad");
                Row(w, s.DB, numbers);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WritePropertyName("x");
            WriteMatrix(w, trace.X, numbers);
            w.WritePropertyName("t");
            WriteMatrix(w, trace.Targets, numbers);
            w.WritePropertyName("y");
            WriteMatrix(w, trace.Y, numbers);
            w.WriteString("svg_forward", Diagrams.Draw(trace, DiagramKind.Forward));
            w.WriteString("svg_backward", Diagrams.Draw(trace, DiagramKind.Backward));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>
    /// The steps in the order of the first article: the forward pass (each activation with the L it reads), the
    /// loss, then for each layer from the top its five backward steps: 1 weights, 2 biases, 3 the layer below,
    /// 4 through the non-linearity of the layer below (the engine counts it as that layer's), and 5 "rinse and
    /// repeat" with its own press; then the next layer down.
    /// </summary>
    internal static List<TraceStep> PageSteps(Trace trace, IReadOnlyList<TraceStep> steps)
    {
        int top = trace.Stages.Count;
        var page = new List<TraceStep>(steps.Count + top);
        foreach (var s in steps)
        {
            if (s.Phase == StepTrace.Forward && s.Matrices is [{ Key: ['H', ..] hKey }] && int.TryParse(hKey[1..], out int f))
            {
                // H = σ(L): show the L it reads beside the H it writes.
                var stage = trace.Stages[f - 1];
                page.Add(s with { Matrices = [new TraceMatrix($"L{f}", $"L{Notation.Sup(f)}", stage.L), .. s.Matrices] });
                continue;
            }
            if (s.Phase == StepTrace.Backward && s.Matrices is [.., { Key: ['D', ..] dKey } delta] && int.TryParse(dKey[1..], out int k) && k < top)
            {
                // Δᵏ of a layer below the top: step 4 of layer k + 1, then its step 5 passes Δᵏ down to layer k.
                string sk = Notation.Sup(k);
                string what = trace.Stages[k - 1].Activation is { } activation
                    ? $"through the non-linearity of layer {k} ({activation})"
                    : $"Δ{sk}, the accumulated gradient at L{sk} (layer {k} has no non-linearity)";
                page.Add(s with { Title = $"Layer {k + 1}, step 4: {what}" });
                page.Add(new TraceStep(StepTrace.Backward, $"Layer {k + 1}, step 5: rinse and repeat with layer {k}",
                    new Equation().Sym("Δ", k).Op("→").Fn($"layer {k}"), [delta], null)
                {
                    Note = $"Δ{sk} is to layer {k} what Δ{Notation.Sup(k + 1)} was to layer {k + 1}: its steps 1 to 3 start from it.",
                });
                continue;
            }
            if (s.Phase == StepTrace.Backward && s.Note is { } note && note.StartsWith("Step 5: rinse and repeat with layer ", StringComparison.Ordinal))
            {
                // Step 3 of a layer above the first: step 4 comes next here, then step 5.
                string below = note["Step 5: rinse and repeat with layer ".Length..].TrimEnd('.');
                page.Add(s with { Note = $"Next, step 4 turns it into the Δ of layer {below} (through that layer's non-linearity, if it has one), and step 5 repeats the steps with layer {below}." });
                continue;
            }
            page.Add(s);
        }
        return page;
    }

    private static void WriteStep(Utf8JsonWriter w, string phase, string title, Equation equation, string? note,
        IReadOnlyList<TraceMatrix> shown, IdentityCheck? check, Dictionary<string, Matrix<double>> matrices)
    {
        w.WriteStartObject();
        w.WriteString("phase", phase);
        w.WriteString("title", title);
        w.WriteString("equation", equation.Text);
        w.WriteString("mathml", equation.MathMl);
        w.WriteString("note", note);
        w.WriteStartArray("matrices");
        foreach (var m in shown)
        {
            // A transposed operand (H¹ᵀ in ∂E/∂W² = H¹ᵀ·Δ²) holds other values than its key's matrix: it gets a name
            // of its own in `matrices` ("H1ᵀ"), while `key` stays the trace key the diagram lights.
            string name = m.Transposed ? m.Key + "ᵀ" : m.Key;
            matrices[name] = m.Value;
            w.WriteStartObject();
            w.WriteString("key", m.Key);
            w.WriteString("values", name);
            w.WriteString("symbol", m.Symbol);
            if (m.Transposed) w.WriteBoolean("transposed", true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (check is not null) JsonTrace.WriteCheck(w, check);
        w.WriteEndObject();
    }

    /// <summary>
    /// A matrix as rows of numbers; or, with <paramref name="numbers"/>, as <c>{"$f64": offset, "rows": r, "cols": c}</c>
    /// with its values appended there, row by row. The browser's worker sends those values as a Float64Array and
    /// puts the rows back before the page sees the state (engine-worker.js): the same numbers, bit for bit, without
    /// formatting some 28k of them per edit of 2-64-64-2 (most of the edit's 80 ms in WebAssembly).
    /// </summary>
    private static void WriteMatrix(Utf8JsonWriter w, Matrix<double> m, List<double>? numbers)
    {
        if (numbers is null)
        {
            JsonTrace.WriteMatrix(w, m);
            return;
        }
        w.WriteStartObject();
        w.WriteNumber("$f64", numbers.Count);
        w.WriteNumber("rows", m.Rows);
        w.WriteNumber("cols", m.Cols);
        w.WriteEndObject();
        numbers.AddRange(m.Span);
    }

    /// <summary>The first row of a matrix as one array of numbers; apart, <c>{"$f64": offset, "cols": c}</c>.</summary>
    private static void Row(Utf8JsonWriter w, Matrix<double> m, List<double>? numbers)
    {
        if (numbers is not null)
        {
            w.WriteStartObject();
            w.WriteNumber("$f64", numbers.Count);
            w.WriteNumber("cols", m.Cols);
            w.WriteEndObject();
            numbers.AddRange(m.Row(0));
            return;
        }
        w.WriteStartArray();
        for (int j = 0; j < m.Cols; j++) w.WriteNumberValue(m[0, j]);
        w.WriteEndArray();
    }
}
