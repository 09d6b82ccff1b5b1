using System.CommandLine;
using Backprop.Cli.Site;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop site --out DIR</c>: the playground as a static site, the engine in the browser (docs/web.md).</summary>
internal static class SiteCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "the folder to write the site into (index.html and _framework/)", Required = true };
        var command = new Command("site", "Write the playground as a static site: any static host serves it, the engine runs in the browser.") { output };
        command.SetAction(r =>
        {
            string folder = r.GetValue(output)!;
            int files = StaticSite.Write(folder);
            Console.Out.WriteLine($"Wrote {files} files to {Path.GetFullPath(folder)}; serve the folder as it is (for example: python3 -m http.server -d {folder}) and open index.html");
            return 0;
        });
        return command;
    }
}
