using Backprop.Explain;
using Backprop.Explain.Report;
using Backprop.Explain.Steps;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Tests.Explain;

/// <summary>One notation (the first article's) in every step, the operands of every product, and the walk past the gradients.</summary>
public class NotationTests
{
    [Fact]
    public void The_activation_is_named_as_it_is_and_primes_mean_derivatives_only()
    {
        var trace = ExplainFixtures.Random(3, [2, 3, 1], "tanh", batch: 2);
        var steps = StepTrace.Build(trace);
        var texts = steps.Select(s => s.Equation.Text).ToList();
        Assert.Contains("H¹ = tanh(L¹)", texts);
        Assert.Contains("Δ¹ = ∂E/∂H¹ ∘ tanh′(L¹)", texts);
        Assert.DoesNotContain(texts, t => t.Contains('σ'));  // σ is the sigmoid: a tanh network never shows it
        var symbols = string.Join("\n", steps.SelectMany(s => new[] { s.Equation.Text, s.Check?.Identity ?? "" }.Concat(s.Matrices.Select(m => m.Symbol))));
        Assert.DoesNotContain("'", symbols);                  // no apostrophe: neither "layer below" nor a derivative
        Assert.Contains("σ", StepTrace.Build(ExplainFixtures.Example("article1")).Select(s => s.Equation.Text).First(t => t.StartsWith("H¹", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_report_states_the_glossary_with_layer_superscripts_and_no_primes()
    {
        var trace = ExplainFixtures.Example("article1");
        string html = System.Net.WebUtility.HtmlDecode(HtmlReport.Write(trace, StepTrace.Build(trace), null, diagrams: false));
        Assert.Contains("I = Hᵏ⁻¹ (X for layer 1), L = Lᵏ, A = Hᵏ, O = Lᵏ⁺¹, c = E", html);
        Assert.Contains("docs/notation.md", html);
        Assert.DoesNotContain("H'", html);
        Assert.DoesNotContain("L'", html);
        Assert.DoesNotContain("Δ'", html);
        Assert.DoesNotContain("σ'", html);
        // The general step 4 in MathML: Δ with the superscript k−1.
        Assert.Contains("<msup><mi>Δ</mi><mrow><mi>k</mi><mo>−</mo><mn>1</mn></mrow></msup>", html);
    }

    [Theory]
    [InlineData("article1")]
    [InlineData("article2-2-2-2-2")]
    [InlineData("article3")]
    public void Every_backward_product_shows_its_operands(string example)
    {
        var trace = ExplainFixtures.Example(example);
        var steps = StepTrace.Build(trace);
        foreach (var s in trace.Stages)
        {
            var weights = steps.Single(x => x.Title == $"Layer {s.K}, step 1: weights");
            Assert.Equal([s.InputKey, $"D{s.K}", $"dW{s.K}"], weights.Matrices.Select(m => m.Key));
            AssertTransposeOf(s.Input, weights.Matrices[0]);
            Assert.Equal(s.InputSymbol + "ᵀ", weights.Matrices[0].Symbol);
            // The shown operands multiply to the shown result.
            Assert.True(IdentityChecks.MaxError(IdentityChecks.Product(weights.Matrices[0].Value, weights.Matrices[1].Value), weights.Matrices[2].Value) < 1e-12);

            var below = steps.Single(x => x.Title.StartsWith($"Layer {s.K}, step 3:", StringComparison.Ordinal));
            Assert.Equal($"W{Notation.Sup(s.K)}ᵀ", below.Matrices[1].Symbol);
            AssertTransposeOf(s.W, below.Matrices[1]);
            Assert.True(IdentityChecks.MaxError(IdentityChecks.Product(below.Matrices[0].Value, below.Matrices[1].Value), below.Matrices[2].Value) < 1e-12);

            var biases = steps.Single(x => x.Title == $"Layer {s.K}, step 2: biases");
            Assert.Equal([$"D{s.K}", $"dB{s.K}"], biases.Matrices.Select(m => m.Key));
        }
    }

    private static void AssertTransposeOf(Matrix<double> keyed, TraceMatrix shown)
    {
        Assert.True(shown.Transposed);
        Assert.Equal((keyed.Cols, keyed.Rows), (shown.Value.Rows, shown.Value.Cols));
        for (int i = 0; i < shown.Value.Rows; i++)
            for (int j = 0; j < shown.Value.Cols; j++)
            {
                Assert.Equal(keyed[j, i], shown.Value[i, j]);
                Assert.Equal($"{shown.Key}:{j}:{i}", shown.Ref(i, j));
            }
    }

    [Fact]
    public void The_update_is_W_minus_eta_times_the_gradient_and_the_next_pass_has_a_lower_loss()
    {
        const double eta = 0.5;
        var example = Examples.Load("article1");
        var descent = ExplainFixtures.Descent("article1", eta, steps: 3);
        Assert.Equal(4, descent.Passes.Count);

        // Independently: W − η·∂E/∂W by hand from pass 1, a fresh network with those weights, its loss.
        var first = descent.First;
        var layers = example.Network.Layers.Select(l => l).ToList();
        int k = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Type != "dense") continue;
            var s = first.Stages[k++];
            layers[i] = layers[i] with
            {
                Weights = [.. Enumerable.Range(0, s.Inputs).Select(r => Enumerable.Range(0, s.Units).Select(c => s.W[r, c] - eta * s.DW[r, c]).ToArray())],
                Bias = [.. Enumerable.Range(0, s.Units).Select(c => s.B[0, c] - eta * s.DB[0, c])],
            };
        }
        var updated = new NetworkSpec(layers, example.Network.Loss).Build<double>();
        double loss = updated.Evaluate(Matrix<double>.FromRows(example.X), Matrix<double>.FromRows(example.T));
        Assert.Equal(loss, descent.Passes[1].Loss, 12);
        Assert.True(descent.Passes[1].Loss < first.Loss);
        Assert.True(descent.Last.Loss < descent.Passes[1].Loss);

        var steps = StepTrace.Build(descent);
        var update = steps.Where(s => s.Phase == StepTrace.Update).ToList();
        Assert.Equal(first.Stages.Count, update.Count);
        Assert.All(update, s => Assert.True(s.Check!.Passed, s.Title));
        Assert.Equal("W¹ ← W¹ − η·∂E/∂W¹, B¹ ← B¹ − η·∂E/∂B¹", update[0].Equation.Text);
        Assert.Equal(["W1", "dW1", "W1@2", "B1", "dB1", "B1@2"], update[0].Matrices.Select(m => m.Key));
        var after = steps.Where(s => s.Phase == StepTrace.After).ToList();
        Assert.Contains(after, s => s.Title == "Pass 4, Layer 1: linear combination");
        Assert.All(after.Where(s => s.Check is not null), s => Assert.True(s.Check!.Passed, s.Title));
        Assert.Contains("lower", after[^1].Title);
        Assert.Equal(descent.Last.Loss, descent.Get("E@4")[0, 0]);
    }

    [Fact]
    public void A_learning_rate_that_overshoots_says_so()
    {
        var steps = StepTrace.Build(ExplainFixtures.Descent("article1", 400, steps: 1));
        Assert.Contains("too large", steps[^1].Title);
    }

    [Fact]
    public void Json_writes_superscripts_and_operators_as_themselves()
    {
        var descent = ExplainFixtures.Descent("article1");
        string json = JsonTrace.Write(descent.First, StepTrace.Build(descent));
        Assert.Contains("\"L¹ = X·W¹ + B¹\"", json);
        Assert.DoesNotContain("\\u00B9", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\\u002B", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Examples_have_names_that_say_what_the_network_is()
    {
        foreach (var (alias, article) in Examples.Aliases)
        {
            var e = Examples.Load(alias);
            Assert.Equal(article, e.Name);
            var dense = e.Network.Layers.Where(l => l.Type == "dense").ToList();
            var sizes = new[] { dense[0].Inputs!.Value }.Concat(dense.Select(l => l.Outputs!.Value));
            string activation = e.Network.Layers.FirstOrDefault(l => l.Type != "dense")?.Type ?? "linear";
            Assert.Equal($"{activation}-{string.Join('-', sizes)}", alias);
        }
        Assert.Equal(Examples.Names.Count, Examples.Aliases.Count);
    }
}
