namespace Backprop.Serve.Tests;

/// <summary><c>backprop site --out DIR</c> as a user runs it: the static site in one command, or one line saying why not.</summary>
public sealed class SiteCommandTests
{
    private static Task<(int Code, string Out, string Err)> Backprop(params string[] args) => BuiltCli.Run(TimeSpan.FromSeconds(60), args);

    [Fact]
    public async Task Site_writes_the_page_its_worker_and_the_runtime_into_the_folder()
    {
        string folder = Path.Combine(Directory.CreateTempSubdirectory("backprop-site-cmd-").FullName, "site");
        try
        {
            var (code, output, error) = await Backprop("site", "--out", folder);
            Assert.Equal("", error);
            Assert.Equal(0, code);
            Assert.Contains(Path.GetFullPath(folder), output, StringComparison.Ordinal);
            foreach (string file in (string[])["index.html", "app.js", "api.js", "engine-worker.js", "worker.js", "_framework/dotnet.js"])
                Assert.True(File.Exists(Path.Combine(folder, file)), $"the site has no {file}");
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(folder, "_framework"), "Backprop.Playground*.wasm"));
            Assert.Contains("content=\"worker\"", await File.ReadAllTextAsync(Path.Combine(folder, "index.html")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    [Fact]
    public async Task Site_onto_a_file_is_one_line_naming_it()
    {
        string file = Path.GetTempFileName();
        try
        {
            var (code, output, error) = await Backprop("site", "--out", file);
            Assert.Equal(1, code);
            Assert.Equal("", output);
            Assert.Equal($"backprop: error: --out {file} is a file: give a folder for the site", error.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
