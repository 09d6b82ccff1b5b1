using System.Buffers.Binary;
using System.IO.Compression;
using System.Xml.Linq;

namespace Backprop.Tests.Install;

/// <summary>
/// The tool ships as one package per platform (.NET 10's RID-specific tool packages): each holds its own
/// platform's SkiaSharp and HarfBuzz natives and no other's, and `dotnet tool install` picks the right one.
/// The linux-x64 one is installed from a local folder and run as a user would.
/// </summary>
public class ToolPackageTests : IClassFixture<ToolPackageTests.Packed>
{
    public static readonly string[] Platforms = ["linux-x64", "linux-arm64", "win-x64", "win-arm64", "osx-x64", "osx-arm64"];
    private const string Version = "0.1.0";
    private readonly Packed _packed;

    public ToolPackageTests(Packed packed) => _packed = packed;

    /// <summary>Packs the tool once for all the tests of this class.</summary>
    public sealed class Packed : IAsyncLifetime
    {
        public string Folder { get; } = Directory.CreateTempSubdirectory("backprop-tool-pack-").FullName;
        public Shell.Result Pack { get; private set; } = null!;

        public async Task InitializeAsync() =>
            // Not --no-build: each platform's package is published for its runtime identifier by the pack itself.
            Pack = await Shell.RunAsync("dotnet", ["pack", "src/Backprop.Cli/Backprop.Cli.csproj", "-c", Shell.Configuration, "-o", Folder, "-p:TreatWarningsAsErrors=false"],
                Shell.RepositoryRoot(), timeoutMinutes: 20);

        public Task DisposeAsync()
        {
            Directory.Delete(Folder, recursive: true);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public void Pack_MakesAPointerPackage_AndOnePackagePerPlatform_WithoutWarnings()
    {
        _packed.Pack.ShouldSucceed("dotnet pack");
        Assert.DoesNotContain("warning", _packed.Pack.Output, StringComparison.OrdinalIgnoreCase);
        var expected = Platforms.Select(p => $"Backprop.Cli.{p}.{Version}.nupkg").Append($"Backprop.Cli.{Version}.nupkg").Order();
        Assert.Equal(expected, Directory.GetFiles(_packed.Folder, "*.nupkg").Select(Path.GetFileName).Order());

        // The small package `dotnet tool install` reads first names the six.
        using var zip = ZipFile.OpenRead(Path.Combine(_packed.Folder, $"Backprop.Cli.{Version}.nupkg"));
        var settings = zip.Entries.Single(e => e.Name == "DotnetToolSettings.xml");
        using var stream = settings.Open();
        var rids = XDocument.Load(stream).Descendants().Where(e => e.Name.LocalName == "RuntimeIdentifierPackage")
            .Select(e => e.Attribute("RuntimeIdentifier")!.Value).Order();
        Assert.Equal(Platforms.Order(), rids);
        Assert.Contains("README.md", zip.Entries.Select(e => e.FullName));
    }

    [Theory]
    [InlineData("linux-x64")]
    [InlineData("linux-arm64")]
    [InlineData("win-x64")]
    [InlineData("win-arm64")]
    [InlineData("osx-x64")]
    [InlineData("osx-arm64")]
    public void EachPlatformsPackage_HoldsItsOwnNatives_AndNoOthers(string rid)
    {
        _packed.Pack.ShouldSucceed("dotnet pack");
        using var zip = ZipFile.OpenRead(Path.Combine(_packed.Folder, $"Backprop.Cli.{rid}.{Version}.nupkg"));
        string folder = $"tools/net10.0/{rid}/";
        var tool = zip.Entries.Where(e => e.FullName.StartsWith("tools/", StringComparison.Ordinal)).ToList();
        Assert.All(tool, e => Assert.StartsWith(folder, e.FullName));
        Assert.Contains(folder + "Backprop.Cli.dll", tool.Select(e => e.FullName));

        string extension = rid.StartsWith("win", StringComparison.Ordinal) ? ".dll" : rid.StartsWith("osx", StringComparison.Ordinal) ? ".dylib" : ".so";
        var natives = tool.Where(e => e.Name.StartsWith("lib", StringComparison.Ordinal) && e.Name.Contains("Sharp", StringComparison.Ordinal)).ToList();
        Assert.Equal(["libHarfBuzzSharp" + extension, "libSkiaSharp" + extension], natives.Select(e => e.Name).Order());
        Assert.DoesNotContain(tool, e => e.Name.EndsWith(".pdb", StringComparison.Ordinal) && e.Name.StartsWith("lib", StringComparison.Ordinal));
        // Any other native binary would be another platform's: every other file is managed (with its symbols) or text.
        string[] managed = [".dll", ".pdb", ".json", ".xml"];
        foreach (var e in tool.Except(natives))
            Assert.True(managed.Contains(Path.GetExtension(e.Name)) && !e.Name.StartsWith("lib", StringComparison.Ordinal), e.FullName);
        foreach (var native in natives)
            Assert.True(BuiltFor(native, rid), $"{native.FullName} is not a {rid} binary");

        // `backprop site` writes the static site from the tool alone: it travels inside the assembly.
        using var dll = new MemoryStream();
        using (var entry = zip.GetEntry(folder + "Backprop.Cli.dll")!.Open()) entry.CopyTo(dll);
        dll.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(dll);
        var md = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        Assert.Contains("site.zip", md.ManifestResources.Select(h => md.GetString(md.GetManifestResource(h).Name)));
    }

    [Fact]
    public void TheLinuxX64Package_IsAtMost25MB()
    {
        _packed.Pack.ShouldSucceed("dotnet pack");
        long size = new FileInfo(Path.Combine(_packed.Folder, $"Backprop.Cli.linux-x64.{Version}.nupkg")).Length;
        Assert.True(size <= 25_000_000, $"{size / 1e6:F1} MB");
    }

    [Fact]
    public async Task InstalledFromALocalFolder_ItRuns_Trains_AndDrawsAPng()
    {
        _packed.Pack.ShouldSucceed("dotnet pack");
        string root = Directory.CreateTempSubdirectory("backprop-tool-install-").FullName;
        try
        {
            string tools = Path.Combine(root, "tools");
            // An empty package cache, so what is installed is this build's package and not an older one of the same version.
            var env = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(root, "nuget-cache") };
            (await Shell.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", _packed.Folder, "Backprop.Cli", "--version", Version], root, env))
                .ShouldSucceed("dotnet tool install");
            Assert.True(Directory.Exists(Path.Combine(tools, ".store", "backprop.cli", Version, "backprop.cli.linux-x64")), "the linux-x64 package was not the one installed");
            long installed = Shell.SizeOf(tools);
            Assert.True(installed <= 80_000_000, $"installed: {installed / 1e6:F1} MB");

            string backprop = Path.Combine(tools, "backprop");
            var help = (await Shell.RunAsync(backprop, ["--help"], root)).ShouldSucceed("backprop --help");
            Assert.Contains("train", help.Output);
            (await Shell.RunAsync(backprop, ["train", "--data", "xor", "--layers", "2-4-2", "--activation", "tanh", "--epochs", "20", "--out", "xor.json"], root))
                .ShouldSucceed("backprop train");
            Assert.Contains("backprop.network/1", File.ReadAllText(Path.Combine(root, "xor.json")));
            (await Shell.RunAsync(backprop, ["diagram", "--example", "article1", "--kind", "forward", "--out", "forward.png"], root))
                .ShouldSucceed("backprop diagram");
            var png = File.ReadAllBytes(Path.Combine(root, "forward.png"));
            Assert.True(png.Length > 10_000, $"{png.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            (await Shell.RunAsync(backprop, ["site", "--out", "site"], root)).ShouldSucceed("backprop site");
            Assert.Contains("wasm-unsafe-eval", File.ReadAllText(Path.Combine(root, "site", "index.html")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Reads the binary's header: ELF machine, PE machine, or Mach-O (a universal binary holds both Mac CPUs).</summary>
    private static bool BuiltFor(ZipArchiveEntry native, string rid)
    {
        using var stream = native.Open();
        var head = new byte[4096];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        bool arm = rid.EndsWith("arm64", StringComparison.Ordinal);
        if (rid.StartsWith("linux", StringComparison.Ordinal))
            return head.AsSpan(0, 4).SequenceEqual("\u007FELF"u8)
                && BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(18)) == (arm ? 183 : 62); // EM_AARCH64, EM_X86_64
        if (rid.StartsWith("win", StringComparison.Ordinal))
        {
            int pe = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(0x3C));
            return head[0] == 'M' && head[1] == 'Z' && pe + 6 <= n
                && BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(pe + 4)) == (arm ? 0xAA64 : 0x8664);
        }
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (magic == 0xCAFEBABE) // universal: count the architectures it holds
        {
            uint count = BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(4));
            var cpus = Enumerable.Range(0, (int)count).Select(i => BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(8 + 20 * i))).ToList();
            return cpus.Contains(arm ? 0x0100000Cu : 0x01000007u); // CPU_TYPE_ARM64, CPU_TYPE_X86_64
        }
        uint cpu = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(4));
        return magic == 0xCFFAEDFE && cpu == (arm ? 0x0100000Cu : 0x01000007u);
    }
}
