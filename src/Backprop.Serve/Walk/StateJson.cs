using System.Text.Json.Nodes;
using Backprop.Explain;
using Backprop.Explain.Report;
using Backprop.Explain.Steps;
using Backprop.Explain.Svg;
using Backprop.Tensors;

namespace Backprop.Serve.Walk;

/// <summary>
/// The page's view of a problem: <c>explain --format json</c>'s steps (with each equation's MathML and
/// note added), every weight and gradient per layer in the layout of <c>grad</c>, the batch, and the
/// forward and backward diagrams. Numbers are written at round-trip precision.
/// </summary>
internal static class StateJson
{
    public static string Write(Problem problem, Trace trace, IReadOnlyList<TraceStep> steps)
    {
        var root = JsonNode.Parse(JsonTrace.Write(trace, steps))!.AsObject();
        var stepNodes = root["steps"]!.AsArray();
        for (int i = steps.Count - 1; i >= 0; i--)
        {
            stepNodes[i]!["mathml"] = steps[i].Equation.MathMl;
            stepNodes[i]!["note"] = steps[i].Note;
            // The first article's step 5 gets a press of its own: the gradient just passed down starts the layer below.
            if (steps[i].Phase == StepTrace.Backward && steps[i].Matrices is [.., { Key: ['d', 'H', ..] key } m] && int.TryParse(key[2..], out int below))
                stepNodes.Insert(i + 1, RinseAndRepeat(below, m));
        }
        root["name"] = problem.Name;
        root["activation"] = trace.Stages.FirstOrDefault(s => s.Activation is not null)?.Activation;
        root["sizes"] = new JsonArray([JsonValue.Create(trace.X.Cols), .. trace.Stages.Select(s => (JsonNode?)JsonValue.Create(s.Units))]);
        root["trainable"] = problem.Train is not null;
        var layers = new JsonArray();
        foreach (var s in trace.Stages)
        {
            layers.Add(new JsonObject
            {
                ["weights"] = Rows(s.W),
                ["weights_grad"] = Rows(s.DW),
                ["bias"] = Rows(s.B)[0]!.DeepClone(),
                ["bias_grad"] = Rows(s.DB)[0]!.DeepClone(),
            });
        }
        root["layers"] = layers;
        root["x"] = Rows(trace.X);
        root["t"] = Rows(trace.Targets);
        root["y"] = Rows(trace.Y);
        root["svg_forward"] = Diagrams.Draw(trace, DiagramKind.Forward);
        root["svg_backward"] = Diagrams.Draw(trace, DiagramKind.Backward);
        return root.ToJsonString();
    }

    private static JsonObject RinseAndRepeat(int k, TraceMatrix dH)
    {
        var equation = new Equation().Grad("H", k).Op("→").Fn($"layer {k}");
        return new JsonObject
        {
            ["phase"] = StepTrace.Backward,
            ["title"] = $"Layer {k + 1}, step 5: rinse and repeat with layer {k}",
            ["equation"] = equation.Text,
            ["mathml"] = equation.MathMl,
            ["note"] = $"The gradient arriving at layer {k} from above; its backward steps start from it.",
            ["matrices"] = new JsonArray(new JsonObject { ["key"] = dH.Key, ["symbol"] = dH.Symbol, ["values"] = Rows(dH.Value) }),
        };
    }

    private static JsonArray Rows(Matrix<double> m)
    {
        var rows = new JsonArray();
        for (int i = 0; i < m.Rows; i++)
        {
            var row = new JsonArray();
            for (int j = 0; j < m.Cols; j++) row.Add(m[i, j]);
            rows.Add(row);
        }
        return rows;
    }
}
