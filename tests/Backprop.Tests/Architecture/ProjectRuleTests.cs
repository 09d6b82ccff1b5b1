using System.Xml.Linq;

namespace Backprop.Tests.Architecture;

/// <summary>
/// The one-way rule between projects (docs/design.md, "Projects and the one-way rule"): each project under
/// src/ references only the projects its rule allows, and the playground core references nothing of the web.
/// </summary>
public class ProjectRuleTests
{
    /// <summary>Project → the projects it may reference directly.</summary>
    public static readonly TheoryData<string, string[]> Rules = new()
    {
        { "Backprop", [] },
        { "Backprop.Plots", ["Backprop"] },
        { "Backprop.Interop", ["Backprop"] },
        { "Backprop.Gpu", ["Backprop"] },
        { "Backprop.Playground", ["Backprop", "Backprop.Interop"] },
        { "Backprop.Serve", ["Backprop.Playground"] },
        { "Backprop.Web", ["Backprop.Playground"] },
        { "Backprop.Cli", ["Backprop", "Backprop.Plots", "Backprop.Interop", "Backprop.Gpu", "Backprop.Playground", "Backprop.Serve", "Backprop.Web"] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_project_references_only_the_projects_its_rule_allows(string project, string[] allowed)
    {
        var references = References(project);
        var extra = references.Except(allowed).ToList();
        Assert.True(extra.Count == 0, $"{project} may reference only {string.Join(", ", allowed.DefaultIfEmpty("nothing of ours"))}, but also references {string.Join(", ", extra)}");
    }

    [Fact]
    public void The_rules_cover_every_project_under_src()
    {
        var projects = Directory.GetDirectories(Path.Combine(Root(), "src")).Select(Path.GetFileName).ToHashSet();
        Assert.Equal(projects.Order(), Rules.Select(r => (string)r[0]).Order());
    }

    [Fact]
    public void The_check_sees_a_reference_that_exists()
    {
        // The server maps HTTP onto the playground core: if this reads no reference, the rules above prove nothing.
        Assert.Contains("Backprop.Playground", References("Backprop.Serve"));
    }

    [Fact]
    public void The_playground_core_uses_no_web_framework()
    {
        var xml = XDocument.Load(Path.Combine(Root(), "src", "Backprop.Playground", "Backprop.Playground.csproj"));
        Assert.Equal("Microsoft.NET.Sdk", xml.Root!.Attribute("Sdk")?.Value);
        Assert.Empty(xml.Descendants("FrameworkReference"));
        var packages = xml.Descendants("PackageReference").Select(p => p.Attribute("Include")?.Value ?? "").ToList();
        Assert.DoesNotContain(packages, p => p.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    private static List<string> References(string project)
    {
        var xml = XDocument.Load(Path.Combine(Root(), "src", project, project + ".csproj"));
        return [.. xml.Descendants("ProjectReference").Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))];
    }

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("the repository root (Backprop.slnx) is not above the test binaries");
    }
}
