using Backprop.Tensors;
using static Backprop.Explain.Steps.IdentityChecks;

namespace Backprop.Explain.Steps;

/// <summary>
/// Turns a <see cref="Trace"/> into the walk the first article takes: forward layer by layer, the loss,
/// then for each layer from the top down the five backward steps, each identity checked as it goes.
/// </summary>
public static class StepTrace
{
    /// <summary>The phase of the forward steps.</summary>
    public const string Forward = "forward";

    /// <summary>The phase of the loss step.</summary>
    public const string LossPhase = "loss";

    /// <summary>The phase of the backward steps.</summary>
    public const string Backward = "backward";

    /// <summary>The steps of <paramref name="trace"/>, each identity checked.</summary>
    /// <param name="trace">The recorded pass.</param>
    public static IReadOnlyList<TraceStep> Build(Trace trace)
    {
        var steps = new List<TraceStep>();
        foreach (var s in trace.Stages) AddForward(trace, s, steps);
        AddLoss(trace, steps);
        for (int i = trace.Stages.Count - 1; i >= 0; i--) AddBackward(trace, trace.Stages[i], steps);
        return steps;
    }

    private static void AddForward(Trace trace, Stage s, List<TraceStep> steps)
    {
        int k = s.K;
        var lin = AddRow(Product(s.Input, s.W), s.B);
        steps.Add(new TraceStep(Forward, $"Layer {k}: linear combination",
            new Equation().Sym("L", k).Op("=").InputOf(k).Op("·").Sym("W", k).Op("+").Sym("B", k),
            [M(s.InputKey, s.InputSymbol, s.Input), M($"W{k}", "W" + Notation.Sup(k), s.W), M($"B{k}", "B" + Notation.Sup(k), s.B), M($"L{k}", "L" + Notation.Sup(k), s.L)],
            new IdentityCheck($"L{Notation.Sup(k)} = {s.InputSymbol}·W{Notation.Sup(k)} + B{Notation.Sup(k)}", MaxError(s.L, lin), Tolerance(trace.Epsilon, s.Inputs, s.Input, s.W, s.B)))
        {
            Note = "Each row is one example of the batch; the bias row B is added to every row.",
        });
        if (s.Activation is not { } type) return;
        var activated = Activate(type, s.L, s.Slope) ?? Hadamard(s.SigmaPrime!, s.L); // piecewise linear without a known slope: H = σ'(L) ∘ L
        steps.Add(new TraceStep(Forward, $"Layer {k}: activation ({type})",
            new Equation().Sym("H", k).Op("=").Fn("σ").Op("(").Sym("L", k).Op(")"),
            [M($"H{k}", "H" + Notation.Sup(k), s.H)],
            new IdentityCheck($"H{Notation.Sup(k)} = σ(L{Notation.Sup(k)})", MaxError(s.H, activated), Tolerance(trace.Epsilon, 4, s.H))));
    }

    private static void AddLoss(Trace trace, List<TraceStep> steps)
    {
        var y = trace.Y;
        string formula = trace.LossName switch
        {
            "sse" => "E = Σ(Y − T)²  (the third article's cost = Σ(O − E)²)",
            "half_sse" => "E = ½Σ(T − Y)²  (the second article's E)",
            "mse" => "E = Σ(Y − T)² / (B·K)",
            _ => $"E = {trace.LossName}(Y, T)",
        };
        var expected = LossGradient(trace.LossName, y, trace.Targets);
        string gradient = trace.LossName switch { "sse" => "2(Y − T)", "half_sse" => "Y − T", "mse" => "2(Y − T)/(B·K)", _ => $"∂{trace.LossName}/∂Y" };
        steps.Add(new TraceStep(LossPhase, $"Loss: {trace.LossName}, and ∂E/∂Y to start the backward pass",
            new Equation().Grad("Y").Op("=").Fn(gradient),
            [M("Y", "Y", y), M("T", "T", trace.Targets), M("E", "E", trace.Get("E")), M("dY", "∂E/∂Y", trace.LossGradient)],
            expected is null ? null : new IdentityCheck("∂E/∂Y", MaxError(trace.LossGradient, expected), Tolerance(trace.Epsilon, 2, y, trace.Targets)))
        {
            Note = formula + (trace.LossName == "half_sse" ? ". Here ∂E/∂Y = Y − T is the second article's δ." : "."),
        });
    }

    private static void AddBackward(Trace trace, Stage s, List<TraceStep> steps)
    {
        int k = s.K;
        string sk = Notation.Sup(k), dH = $"∂E/∂H{sk}", delta = $"Δ{sk}";
        bool top = k == trace.Stages.Count;
        if (s.SigmaPrime is { } sp)
        {
            var recomputed = Derivative(s.Activation!, s.L, s.H, s.Slope);
            steps.Add(new TraceStep(Backward, $"Layer {k}, step 4: through the non-linearity ({s.Activation})",
                new Equation().Sym("Δ", k).Op("=").Grad("H", k).Op("∘").Fn("σ'").Op("(").Sym("L", k).Op(")"),
                [M($"dH{k}", dH, s.DH), M($"S{k}", $"σ'(L{sk})", sp), M($"D{k}", delta, s.Delta)],
                new IdentityCheck($"Δ{sk} = ∂E/∂H{sk} ∘ σ'(L{sk})", MaxError(s.Delta, Hadamard(s.DH, sp)), Tolerance(trace.Epsilon, 2, s.DH, sp)))
            {
                Note = recomputed is null ? "∘ is the Hadamard (element-wise) product."
                    : $"∘ is the Hadamard (element-wise) product. σ'(L) recomputed from the formula differs by at most {Notation.Number(MaxError(sp, recomputed))}.",
            });
        }
        else
        {
            steps.Add(new TraceStep(Backward, $"Layer {k}: Δ{sk}, the accumulated gradient at L{sk}",
                new Equation().Sym("Δ", k).Op("=").Grad(top ? "Y" : "H", top ? null : k),
                [M($"D{k}", delta, s.Delta)],
                new IdentityCheck($"Δ{sk} = {(top ? "∂E/∂Y" : dH)}", MaxError(s.Delta, s.DH), 0))
            {
                Note = "No activation follows this layer, so the gradient arriving from above is Δ itself.",
            });
        }
        steps.Add(new TraceStep(Backward, $"Layer {k}, step 1: weights",
            new Equation().Grad("W", k).Op("=").InputOf(k, transposed: true).Op("·").Sym("Δ", k),
            [M(s.InputKey, s.InputSymbol, s.Input), M($"dW{k}", $"∂E/∂W{sk}", s.DW)],
            new IdentityCheck($"∂E/∂W{sk} = ({s.InputSymbol})ᵀ·Δ{sk}", MaxError(s.DW, Product(s.Input, s.Delta, transposeA: true)), Tolerance(trace.Epsilon, trace.Batch, s.Input, s.Delta)))
        {
            Note = trace.Batch > 1 ? $"Each weight has {trace.Batch} arrows coming in, one per example: the product sums them." : null,
        });
        steps.Add(new TraceStep(Backward, $"Layer {k}, step 2: biases",
            new Equation().Grad("B", k).Op("=").Fn("colsum").Op("(").Sym("Δ", k).Op(")"),
            [M($"dB{k}", $"∂E/∂B{sk}", s.DB)],
            new IdentityCheck($"∂E/∂B{sk} = column sums of Δ{sk}", MaxError(s.DB, ColumnSums(s.Delta)), Tolerance(trace.Epsilon, trace.Batch, s.Delta))));
        string below = k == 1 ? "∂E/∂X" : $"∂E/∂H{Notation.Sup(k - 1)}";
        steps.Add(new TraceStep(Backward, $"Layer {k}, step 3: {(k == 1 ? "inputs" : "the layer below")}",
            new Equation().Grad(k == 1 ? "X" : "H", k == 1 ? null : k - 1).Op("=").Sym("Δ", k).Op("·").Sym("W", k, transposed: true),
            [M(k == 1 ? "dX" : $"dH{k - 1}", below, s.DInput)],
            new IdentityCheck($"{below} = Δ{sk}·(W{sk})ᵀ", MaxError(s.DInput, Product(s.Delta, s.W, transposeB: true)), Tolerance(trace.Epsilon, s.Units, s.Delta, s.W)))
        {
            Note = k > 1 ? $"Step 5: rinse and repeat with layer {k - 1}." : "Every gradient of the batch is known.",
        });
    }

    private static TraceMatrix M(string key, string symbol, Matrix<double> m) => new(key, symbol, m);
}
