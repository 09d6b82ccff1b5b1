using Backprop.Explain;
using Backprop.Explain.Paths;

namespace Backprop.Tests.Explain;

public class PathSumTests
{
    private static readonly string?[] Activations = [null, "sigmoid", "tanh", "relu"];

    /// <summary>The second article's claim, on a seeded sweep: the sum over paths is the matrix gradient, for every weight, bias and input.</summary>
    [Fact]
    public void Path_sums_equal_the_matrix_gradients_on_random_networks()
    {
        var rng = new Random(7);
        int checkedCount = 0;
        for (int n = 0; n < 60; n++)
        {
            int depth = rng.Next(1, 4);
            var sizes = Enumerable.Range(0, depth + 1).Select(_ => rng.Next(1, 5)).ToArray();
            string? activation = Activations[n % Activations.Length];
            int batch = 1 + n % 4;
            var trace = ExplainFixtures.Random(1000 + n, sizes, activation, batch, n % 2 == 0 ? "half_sse" : "sse");
            foreach (var target in AllTargets(trace))
            {
                var sum = PathSums.Explain(trace, target);
                double scale = 1 + Math.Abs(sum.MatrixValue);
                Assert.True(Math.Abs(sum.Total - sum.MatrixValue) <= 1e-12 * scale, $"{target}: paths {sum.Total}, matrix {sum.MatrixValue}");
                if (sum.Complete) Assert.True(Math.Abs(sum.ListedSum - sum.MatrixValue) <= 1e-12 * scale, $"{target}: listed paths {sum.ListedSum}");
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 500);
    }

    [Fact]
    public void Each_listed_path_multiplies_the_trace_values_it_names()
    {
        var trace = ExplainFixtures.Example("article1");
        var sum = PathSums.Explain(trace, new PathTarget(PathTarget.Kind.Weight, 1, 0, 0));
        Assert.Equal(2, (int)sum.Count); // one path per example: x₁ → L¹₁ → A¹₁ → y → E
        foreach (var p in sum.Listed)
        {
            Assert.Equal(trace.Resolve(p.Ref), p.Product, 15);
            Assert.All(p.Factors, f => Assert.Equal(trace.Resolve(f.Ref), f.Value));
        }
    }

    [Fact]
    public void When_paths_are_too_many_the_largest_are_listed_and_the_total_stays_exact()
    {
        var trace = ExplainFixtures.Random(5, [3, 6, 6, 6, 4], "tanh", 3);
        var target = new PathTarget(PathTarget.Kind.Weight, 1, 1, 2);
        var top = PathSums.Explain(trace, target, listAll: 64, top: 7);
        var all = PathSums.Explain(trace, target, listAll: 100_000);
        Assert.Equal(3 * 6 * 6 * 4, (int)top.Count);
        Assert.False(top.Complete);
        Assert.True(all.Complete);
        Assert.Equal(7, top.Listed.Count);
        var best = all.Listed.Select(p => Math.Abs(p.Product)).OrderDescending().Take(7).ToArray();
        Assert.Equal(best, top.Listed.Select(p => Math.Abs(p.Product)).ToArray());
        Assert.Equal(all.ListedSum, top.Total, 12);
        Assert.Equal(top.MatrixValue, top.Total, 12);
    }

    [Fact]
    public void Huge_path_counts_are_counted_exactly()
    {
        var trace = ExplainFixtures.Random(9, [2, 12, 12, 12, 12, 12, 12, 12, 3], "relu", 2);
        var sum = PathSums.Explain(trace, new PathTarget(PathTarget.Kind.Input, 0, 1, 0));
        Assert.Equal(System.Numerics.BigInteger.Pow(12, 7) * 3, sum.Count);
        Assert.Equal(sum.MatrixValue, sum.Total, 12);
    }

    [Theory]
    [InlineData("0:1:1")]
    [InlineData("1:1")]
    [InlineData("3:1:1")]
    [InlineData("1:4:1")]
    [InlineData("a:b:c")]
    public void Bad_weight_names_are_refused_in_one_line(string text)
    {
        var trace = ExplainFixtures.Example("article1");
        var e = Assert.Throws<BackpropException>(() => PathTarget.Parse(PathTarget.Kind.Weight, text, trace));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal("weight", e.Setting);
        Assert.StartsWith($"weight '{text}'", e.Message);
    }

    private static IEnumerable<PathTarget> AllTargets(Trace trace)
    {
        foreach (var s in trace.Stages)
            for (int j = 0; j < s.Units; j++)
            {
                yield return new PathTarget(PathTarget.Kind.Bias, s.K, 0, j);
                for (int i = 0; i < s.Inputs; i++) yield return new PathTarget(PathTarget.Kind.Weight, s.K, i, j);
            }
        for (int b = 0; b < trace.Batch; b++)
            for (int i = 0; i < trace.X.Cols; i++) yield return new PathTarget(PathTarget.Kind.Input, 0, b, i);
    }
}
