using System.Text.RegularExpressions;

namespace Backprop.Tests.Install;

/// <summary>
/// docs/library.md's install commands, run as written by a new user: a home of their own (with this machine's
/// NuGet feed and nothing in the package cache), a copy of the repository, a fresh console project, and the
/// doc's program. It must build, run and learn xor.
/// </summary>
public class LibraryInstallTests
{
    [Fact]
    public async Task TheDocsInstallCommands_WorkFromAnEmptyCache_AndTheDocsProgramRuns()
    {
        string repo = Shell.RepositoryRoot();
        string doc = File.ReadAllText(Path.Combine(repo, "docs", "library.md"));
        string commands = Block(doc, "install-commands", "sh");
        string program = Block(doc, "install-program", "csharp");

        string root = Directory.CreateTempSubdirectory("backprop-library-install-").FullName;
        try
        {
            string home = Path.Combine(root, "home");
            // The machine's NuGet sources (the public feed, or whatever this machine is given instead) and nothing else.
            string userConfig = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "NuGet", "NuGet.Config");
            Directory.CreateDirectory(Path.Combine(home, ".nuget", "NuGet"));
            if (File.Exists(userConfig)) File.Copy(userConfig, Path.Combine(home, ".nuget", "NuGet", "NuGet.Config"));

            string clone = Path.Combine(root, "clone");
            CopyTree(Path.Combine(repo, "src", "Backprop"), Path.Combine(clone, "src", "Backprop"));
            CopyTree(Path.Combine(repo, "examples"), Path.Combine(clone, "examples"));
            foreach (var file in new[] { "Directory.Build.props", ".editorconfig" }) File.Copy(Path.Combine(repo, file), Path.Combine(clone, file));

            var env = new Dictionary<string, string?>
            {
                ["HOME"] = home,
                ["NUGET_PACKAGES"] = null, // the cache is ~/.nuget/packages of the new home: empty
                ["DOTNET_CLI_HOME"] = null,
                ["NUGET_HTTP_CACHE_PATH"] = null,
            };
            (await Shell.RunAsync("bash", ["-euo", "pipefail", "-c", commands], clone, env)).ShouldSucceed("the install commands");
            Assert.True(Directory.Exists(Path.Combine(home, ".nuget", "packages", "backprop", "0.1.0")), "Backprop did not come into the new cache");
            Assert.True(Directory.Exists(Path.Combine(home, ".nuget", "packages", "system.numerics.tensors")), "its dependency did not come from the feed");

            string app = Path.Combine(home, "MyApp");
            File.WriteAllText(Path.Combine(app, "Program.cs"), program);
            var run = (await Shell.RunAsync("dotnet", ["run"], app, env)).ShouldSucceed("dotnet run");
            Assert.Contains("xor: 0 1 1 0", run.Output);
            Assert.Matches(@"loss \d\.\d{4} after 300 epochs", run.Output);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The first fenced block of <paramref name="language"/> after the marker comment.</summary>
    private static string Block(string doc, string marker, string language)
    {
        int at = doc.IndexOf($"<!-- {marker}", StringComparison.Ordinal);
        Assert.True(at >= 0, $"docs/library.md has no <!-- {marker} --> marker");
        var match = Regex.Match(doc[at..], $"```{language}\\n(.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, $"no {language} block after the {marker} marker");
        return match.Groups[1].Value;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            string first = relative.Split(Path.DirectorySeparatorChar)[0];
            if (first is "bin" or "obj") continue;
            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
