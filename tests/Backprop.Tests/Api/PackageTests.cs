using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace Backprop.Tests.Api;

/// <summary>The NuGet packages carry what a user sees on the feed and in IntelliSense, and pack without a warning.</summary>
public class PackageTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Theory]
    [InlineData("src/Backprop/Backprop.csproj", "Backprop", "lib/net10.0/Backprop.xml")]
    [InlineData("src/Backprop.Cli/Backprop.Cli.csproj", "Backprop.Cli", "tools/net10.0/any/Backprop.xml")]
    public async Task Pack_PrintsNoWarning_AndCarriesReadmeLicenceTagsAuthorsAndDocs(string project, string id, string xmlDocs)
    {
        string root = RepositoryRoot();
        string output = Directory.CreateTempSubdirectory("backprop-pack-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
            foreach (var a in new[] { "pack", project, "-c", Configuration, "--no-build", "-o", output, "-p:TreatWarningsAsErrors=false" }) start.ArgumentList.Add(a);
            start.Environment["DOTNET_NOLOGO"] = "1";
            using var process = Process.Start(start)!;
            var stderrTask = process.StandardError.ReadToEndAsync();
            string stdout = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            string log = stdout + await stderrTask;
            Assert.True(process.ExitCode == 0, log);
            Assert.DoesNotContain("warning", log, StringComparison.OrdinalIgnoreCase);

            string package = Assert.Single(Directory.GetFiles(output, $"{id}.*.nupkg"));
            using var zip = ZipFile.OpenRead(package);
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("README.md", names);
            Assert.Contains(xmlDocs, names);
            var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            using var stream = nuspec.Open();
            var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
            Assert.Equal("MIT", Field("license"));
            Assert.Equal("README.md", Field("readme"));
            Assert.Contains("backpropagation", Field("tags"));
            Assert.False(string.IsNullOrWhiteSpace(Field("authors")));
            Assert.True(Field("description").Length > 40, Field("description"));
            if (id == "Backprop.Cli")
            {
                // `backprop site` writes the static site from the tool alone: it travels inside the assembly.
                using var dll = new MemoryStream();
                using (var entry = zip.GetEntry("tools/net10.0/any/Backprop.Cli.dll")!.Open()) entry.CopyTo(dll);
                dll.Position = 0;
                using var pe = new System.Reflection.PortableExecutable.PEReader(dll);
                var md = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
                Assert.Contains("site.zip", md.ManifestResources.Select(h => md.GetString(md.GetManifestResource(h).Name)));
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Backprop.slnx not found above " + AppContext.BaseDirectory);
    }
}
