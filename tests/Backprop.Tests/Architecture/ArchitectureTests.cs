using Backprop.Tensors;
using NetArchTest.Rules;

namespace Backprop.Tests.Architecture;

/// <summary>
/// The dependency rules of docs/design.md ("Layers of the house"): each namespace of the core library may use
/// only the namespaces listed for it (and the root namespace, for BackpropException), so the arrows point one way.
/// </summary>
public class ArchitectureTests
{
    private const string Root = "Backprop.";

    /// <summary>The table of docs/design.md: namespace → the namespaces it may depend on.</summary>
    public static readonly TheoryData<string, string[]> Rules = new()
    {
        { "Tensors", [] },
        { "Layers", ["Tensors"] },
        { "Losses", ["Tensors"] },
        { "Model", ["Tensors", "Layers", "Losses"] },
        { "Data", ["Tensors"] },
        { "Training", ["Tensors", "Layers", "Losses", "Model", "Data"] },
        { "Checking", ["Tensors", "Layers", "Losses", "Model", "Data"] },
        { "IO", ["Tensors", "Layers", "Losses", "Model", "Data", "Training"] },
        { "Explain", ["Tensors", "Layers", "Losses", "Model", "Data", "Training", "Checking", "IO"] },
        { "Analysis", ["Tensors", "Layers", "Losses", "Model", "Data", "Training", "Checking", "IO"] },
    };

    private static readonly string[] All = ["Tensors", "Layers", "Losses", "Model", "Data", "Training", "Checking", "IO", "Explain", "Analysis"];

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_namespace_uses_only_the_namespaces_its_rule_allows(string name, string[] allowed)
    {
        var types = Types.InAssembly(typeof(Matrix<>).Assembly).That().ResideInNamespace(Root + name);
        Assert.NotEmpty(types.GetTypes());
        string[] forbidden = [.. All.Where(n => n != name && !allowed.Contains(n)).Select(n => Root + n)];
        var result = types.ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        Assert.True(result.IsSuccessful,
            $"{Root}{name} may use only {string.Join(", ", allowed.DefaultIfEmpty("nothing of ours"))}, but these types use more: " +
            string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void The_check_sees_a_dependency_that_exists()
    {
        // Network uses Dense: a rule forbidding Model → Layers must fail, or the rules above prove nothing.
        var result = Types.InAssembly(typeof(Matrix<>).Assembly).That().ResideInNamespace(Root + "Model")
            .ShouldNot().HaveDependencyOn(Root + "Layers").GetResult();
        Assert.False(result.IsSuccessful);
    }

    [Fact]
    public void The_rules_cover_every_namespace_of_the_library_and_point_one_way()
    {
        var namespaces = typeof(Matrix<>).Assembly.GetTypes()
            .Select(t => t.Namespace ?? "")
            .Where(n => n.StartsWith(Root, StringComparison.Ordinal))
            .Select(n => n[Root.Length..].Split('.')[0])
            .ToHashSet();
        var ruled = Rules.Select(r => (string)r[0]).ToHashSet();
        Assert.Subset(ruled, namespaces);
        // One way: if A may use B, B may not use A (the table is acyclic: each rule names only namespaces listed before it).
        var seen = new HashSet<string>();
        foreach (var rule in Rules)
        {
            foreach (string dependency in (string[])rule[1]) Assert.Contains(dependency, seen);
            seen.Add((string)rule[0]);
        }
    }

    [Fact]
    public void The_core_library_references_no_web_plot_onnx_or_gpu_assembly()
    {
        // Only the runtime and System.Numerics.Tensors: web, plots, ONNX and GPU live in their own projects.
        var references = typeof(Matrix<>).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("System.Numerics.Tensors", references);
        var foreign = references.Where(n => !(n.StartsWith("System.", StringComparison.Ordinal) || n is "System" or "netstandard" or "mscorlib")).ToList();
        Assert.True(foreign.Count == 0, $"the core library references {string.Join(", ", foreign)}");
    }
}
