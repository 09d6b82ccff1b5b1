using System.IO.Compression;

namespace Backprop.Cli.Site;

/// <summary>
/// The static playground: Backprop.Web published (the page, its worker and the trimmed .NET runtime), built
/// into this assembly as a zip so that the packed tool carries it. Writing it only unpacks the files and marks
/// index.html as the worker's page, with a Content-Security-Policy that allows nothing but its own files.
/// </summary>
internal static class StaticSite
{
    /// <summary>
    /// What the page may load: its own scripts, styles and files, and WebAssembly compiled from them (the
    /// runtime and the jiterpreter need 'wasm-unsafe-eval'); nothing from another host, no inline script.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

    private const string Resource = "site.zip";

    /// <summary>Writes the site into <paramref name="folder"/> (created if missing; files of the same name are replaced); returns the number of files.</summary>
    public static int Write(string folder)
    {
        if (File.Exists(folder)) throw new BackpropException($"--out {folder} is a file: give a folder for the site");
        using var zip = typeof(StaticSite).Assembly.GetManifestResourceStream(Resource)
            ?? throw new BackpropException("this build of backprop has no static site inside (build it from the repository: dotnet build src/Backprop.Cli)");
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read);
        string root = Path.GetFullPath(folder);
        Directory.CreateDirectory(root);
        int count = 0;
        foreach (var entry in archive.Entries)
        {
            if (entry.FullName.EndsWith('/')) continue;
            string path = Path.GetFullPath(Path.Combine(root, entry.FullName));
            if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue; // never outside the folder
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (entry.FullName.EndsWith(".html", StringComparison.Ordinal)) // the playground and the article pages
            {
                using var reader = new StreamReader(entry.Open());
                File.WriteAllText(path, ForWorker(reader.ReadToEnd()));
            }
            else
            {
                entry.ExtractToFile(path, overwrite: true);
            }
            count++;
        }
        return count;
    }

    /// <summary>The server's page made the static site's: the engine runs in a worker, under the CSP above.</summary>
    public static string ForWorker(string html)
    {
        const string Charset = "<meta charset=\"utf-8\">";
        int at = html.IndexOf(Charset, StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException("index.html has no <meta charset=\"utf-8\"> to put the CSP after");
        at += Charset.Length;
        return html[..at]
            + $"\n<meta http-equiv=\"Content-Security-Policy\" content=\"{ContentSecurityPolicy}\">"
            + "\n<meta name=\"backprop-engine\" content=\"worker\">"
            + html[at..];
    }
}
