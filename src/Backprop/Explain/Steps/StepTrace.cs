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

    /// <summary>The phase of the update steps (W ← W − η·∂E/∂W).</summary>
    public const string Update = "update";

    /// <summary>The phase of the forward pass after an update.</summary>
    public const string After = "after";

    /// <summary>Forward, loss and the backward steps of one pass, each identity checked.</summary>
    /// <param name="trace">The recorded pass.</param>
    public static IReadOnlyList<TraceStep> Build(Trace trace)
    {
        var steps = new List<TraceStep>();
        foreach (var s in trace.Stages) AddForward(trace, s, steps, 1);
        AddLoss(trace, steps, 1);
        for (int i = trace.Stages.Count - 1; i >= 0; i--) AddBackward(trace, trace.Stages[i], steps);
        return steps;
    }

    /// <summary>
    /// The walk of <see cref="Build(Trace)"/> for pass 1, then past the gradients: the update
    /// W ← W − η·∂E/∂W of every layer, and the forward pass after the last update with its loss.
    /// </summary>
    public static IReadOnlyList<TraceStep> Build(Descent descent)
    {
        var steps = Build(descent.First).ToList();
        var before = descent.First;
        var next = descent.Passes[1];
        foreach (var s in before.Stages) AddUpdate(descent, before, next.Stages[s.K - 1], s, steps);
        int last = descent.Passes.Count;
        foreach (var s in descent.Last.Stages) AddForward(descent.Last, s, steps, last);
        AddLoss(descent.Last, steps, last);
        var losses = descent.Passes.Select(p => p.Loss).ToList();
        string trend = losses[^1] < losses[0] ? "lower: the step went downhill" : "not lower: the step was too large (try a smaller learning rate)";
        steps.Add(new TraceStep(After, $"The loss after {descent.Steps} update(s): {trend}",
            new Equation().Sym("E").Op(":").Fn(string.Join(" → ", losses.Select(Notation.Number))),
            [.. descent.Passes.Select((p, n) => M(Descent.Key("E", n + 1), $"E(pass{Notation.Sub(n + 1)})", p.Get("E")))], null)
        {
            Note = descent.Steps > 1 ? $"Passes 2 to {last - 1} repeat the same update with their own gradients; only the last pass is shown in full." : null,
        });
        return steps;
    }

    private static void AddForward(Trace trace, Stage s, List<TraceStep> steps, int pass)
    {
        int k = s.K;
        string Key(string key) => Descent.Key(key, pass);
        string phase = pass == 1 ? Forward : After, prefix = pass == 1 ? "" : $"Pass {pass}, ";
        var lin = AddRow(Product(s.Input, s.W), s.B);
        steps.Add(new TraceStep(phase, $"{prefix}Layer {k}: linear combination",
            new Equation().Sym("L", k).Op("=").InputOf(k).Op("·").Sym("W", k).Op("+").Sym("B", k),
            [M(Key(s.InputKey), s.InputSymbol, s.Input), M(Key($"W{k}"), "W" + Notation.Sup(k), s.W), M(Key($"B{k}"), "B" + Notation.Sup(k), s.B), M(Key($"L{k}"), "L" + Notation.Sup(k), s.L)],
            new IdentityCheck($"L{Notation.Sup(k)} = {s.InputSymbol}·W{Notation.Sup(k)} + B{Notation.Sup(k)}", MaxError(s.L, lin), Tolerance(trace.Epsilon, s.Inputs, s.Input, s.W, s.B)))
        {
            Note = pass == 1 ? "Each row is one example of the batch; the bias row B is added to every row." : "The same batch, with the updated weights.",
        });
        if (s.Activation is not { } type) return;
        string f = Notation.Function(type);
        var activated = Activate(type, s.L, s.Slope) ?? Hadamard(s.SigmaPrime!, s.L); // piecewise linear without a known slope: H = σ′(L) ∘ L
        steps.Add(new TraceStep(phase, $"{prefix}Layer {k}: activation ({type})",
            new Equation().Sym("H", k).Op("=").Fn(f).Op("(").Sym("L", k).Op(")"),
            [M(Key($"H{k}"), "H" + Notation.Sup(k), s.H)],
            new IdentityCheck($"H{Notation.Sup(k)} = {f}(L{Notation.Sup(k)})", MaxError(s.H, activated), Tolerance(trace.Epsilon, 4, s.H))));
    }

    private static void AddLoss(Trace trace, List<TraceStep> steps, int pass)
    {
        var y = trace.Y;
        string Key(string key) => Descent.Key(key, pass);
        string formula = trace.LossName switch
        {
            "sse" => "E = Σ(Y − T)²  (the third article's cost = Σ(O − E)²)",
            "half_sse" => "E = ½Σ(T − Y)²  (the second article's E)",
            "mse" => "E = Σ(Y − T)² / (B·K)",
            _ => $"E = {trace.LossName}(Y, T)",
        };
        if (pass > 1)
        {
            steps.Add(new TraceStep(After, $"Pass {pass}: the loss {trace.LossName}",
                new Equation().Sym("E").Op("=").Fn(Notation.Number(trace.Loss)),
                [M(Key("Y"), "Y", y), M(Key("T"), "T", trace.Targets), M(Key("E"), "E", trace.Get("E"))], null)
            { Note = formula + "." });
            return;
        }
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
            string d = Notation.Derivative(s.Activation);
            var recomputed = Derivative(s.Activation!, s.L, s.H, s.Slope);
            steps.Add(new TraceStep(Backward, $"Layer {k}, step 4: through the non-linearity ({s.Activation})",
                new Equation().Sym("Δ", k).Op("=").Grad("H", k).Op("∘").Fn(d).Op("(").Sym("L", k).Op(")"),
                [M($"dH{k}", dH, s.DH), M($"S{k}", $"{d}(L{sk})", sp), M($"D{k}", delta, s.Delta)],
                new IdentityCheck($"Δ{sk} = ∂E/∂H{sk} ∘ {d}(L{sk})", MaxError(s.Delta, Hadamard(s.DH, sp)), Tolerance(trace.Epsilon, 2, s.DH, sp)))
            {
                Note = recomputed is null ? "∘ is the Hadamard (element-wise) product."
                    : $"∘ is the Hadamard (element-wise) product. {d}(L) recomputed from the formula differs by at most {Notation.Number(MaxError(sp, recomputed))}.",
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
            [T(s.InputKey, s.InputSymbol + "ᵀ", s.Input), M($"D{k}", delta, s.Delta), M($"dW{k}", $"∂E/∂W{sk}", s.DW)],
            new IdentityCheck($"∂E/∂W{sk} = {s.InputSymbol}ᵀ·Δ{sk}", MaxError(s.DW, Product(s.Input, s.Delta, transposeA: true)), Tolerance(trace.Epsilon, trace.Batch, s.Input, s.Delta)))
        {
            Note = trace.Batch > 1 ? $"Each weight has {trace.Batch} arrows coming in, one per example: the product sums them." : null,
        });
        steps.Add(new TraceStep(Backward, $"Layer {k}, step 2: biases",
            new Equation().Grad("B", k).Op("=").Fn("colsum").Op("(").Sym("Δ", k).Op(")"),
            [M($"D{k}", delta, s.Delta), M($"dB{k}", $"∂E/∂B{sk}", s.DB)],
            new IdentityCheck($"∂E/∂B{sk} = column sums of Δ{sk}", MaxError(s.DB, ColumnSums(s.Delta)), Tolerance(trace.Epsilon, trace.Batch, s.Delta))));
        string below = k == 1 ? "∂E/∂X" : $"∂E/∂H{Notation.Sup(k - 1)}";
        steps.Add(new TraceStep(Backward, $"Layer {k}, step 3: {(k == 1 ? "inputs" : "the layer below")}",
            new Equation().Grad(k == 1 ? "X" : "H", k == 1 ? null : k - 1).Op("=").Sym("Δ", k).Op("·").Sym("W", k, transposed: true),
            [M($"D{k}", delta, s.Delta), T($"W{k}", $"W{sk}ᵀ", s.W), M(k == 1 ? "dX" : $"dH{k - 1}", below, s.DInput)],
            new IdentityCheck($"{below} = Δ{sk}·W{sk}ᵀ", MaxError(s.DInput, Product(s.Delta, s.W, transposeB: true)), Tolerance(trace.Epsilon, s.Units, s.Delta, s.W)))
        {
            Note = k > 1 ? $"Step 5: rinse and repeat with layer {k - 1}." : "Every gradient of the batch is known.",
        });
    }

    /// <summary>W^k ← W^k − η·∂E/∂W^k and the same for B^k, the new values read from the next pass.</summary>
    private static void AddUpdate(Descent descent, Trace trace, Stage after, Stage s, List<TraceStep> steps)
    {
        int k = s.K;
        string sk = Notation.Sup(k), eta = Notation.Number(descent.LearningRate);
        double lr = descent.LearningRate;
        var w = Map(s.W, (i, j, v) => v - lr * s.DW[i, j]);
        var b = Map(s.B, (i, j, v) => v - lr * s.DB[i, j]);
        double error = Math.Max(MaxError(after.W, w), MaxError(after.B, b));
        steps.Add(new TraceStep(Update, $"Layer {k}: update the weights and biases (η = {eta})",
            new Equation().Sym("W", k).Op("←").Sym("W", k).Op("−").Sym("η").Op("·").Grad("W", k).Op(",").Sym("B", k).Op("←").Sym("B", k).Op("−").Sym("η").Op("·").Grad("B", k),
            [M($"W{k}", $"W{sk}", s.W), M($"dW{k}", $"∂E/∂W{sk}", s.DW), M(Descent.Key($"W{k}", 2), $"W{sk}−η·∂E/∂W{sk}", after.W),
             M($"B{k}", $"B{sk}", s.B), M($"dB{k}", $"∂E/∂B{sk}", s.DB), M(Descent.Key($"B{k}", 2), $"B{sk}−η·∂E/∂B{sk}", after.B)],
            new IdentityCheck($"W{sk} − η·∂E/∂W{sk} and B{sk} − η·∂E/∂B{sk}", error, Tolerance(trace.Epsilon, 2, s.W, s.DW, s.B, s.DB) * (1 + lr)))
        {
            Note = "Each weight moves against its gradient, by η times it: the step of gradient descent that training repeats.",
        });
    }

    private static TraceMatrix M(string key, string symbol, Matrix<double> m) => new(key, symbol, m);

    /// <summary>An operand shown transposed (H¹ᵀ, W²ᵀ): the values are the transpose, the references stay the keyed matrix's.</summary>
    private static TraceMatrix T(string key, string symbol, Matrix<double> m) => new(key, symbol, Map(new Matrix<double>(m.Cols, m.Rows), (i, j, _) => m[j, i])) { Transposed = true };
}
