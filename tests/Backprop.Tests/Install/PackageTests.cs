using System.IO.Compression;
using System.Xml.Linq;

namespace Backprop.Tests.Install;

/// <summary>The library's NuGet package carries what a user sees on the feed and in IntelliSense, and its symbols.</summary>
public class PackageTests
{
    [Fact]
    public async Task LibraryPack_PrintsNoWarning_AndCarriesReadmeLicenceTagsDocsAndSymbols()
    {
        string output = Directory.CreateTempSubdirectory("backprop-pack-").FullName;
        try
        {
            var pack = await Shell.RunAsync("dotnet",
                ["pack", "src/Backprop/Backprop.csproj", "-c", Shell.Configuration, "--no-build", "-o", output, "-p:TreatWarningsAsErrors=false"],
                Shell.RepositoryRoot());
            pack.ShouldSucceed("dotnet pack");
            Assert.DoesNotContain("warning", pack.Output, StringComparison.OrdinalIgnoreCase);

            using (var zip = ZipFile.OpenRead(Path.Combine(output, "Backprop.0.1.0.nupkg")))
            {
                var names = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("README.md", names);
                Assert.Contains("lib/net10.0/Backprop.dll", names);
                Assert.Contains("lib/net10.0/Backprop.xml", names);
                using var readme = new StreamReader(zip.GetEntry("README.md")!.Open());
                Assert.Contains("Freeze()", readme.ReadToEnd());
                var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
                using var stream = nuspec.Open();
                var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
                string Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
                Assert.Equal("MIT", Field("license"));
                Assert.Equal("README.md", Field("readme"));
                Assert.Contains("backpropagation", Field("tags"));
                Assert.False(string.IsNullOrWhiteSpace(Field("authors")));
                Assert.True(Field("description").Length > 40, Field("description"));
            }

            // The symbols package: the portable PDB of the same build, for a debugger to step into the library.
            using var symbols = ZipFile.OpenRead(Path.Combine(output, "Backprop.0.1.0.snupkg"));
            var pdb = symbols.GetEntry("lib/net10.0/Backprop.pdb");
            Assert.NotNull(pdb);
            using var pdbStream = pdb.Open();
            var magic = new byte[4];
            pdbStream.ReadExactly(magic);
            Assert.Equal("BSJB"u8.ToArray(), magic); // the metadata signature of a portable PDB
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
