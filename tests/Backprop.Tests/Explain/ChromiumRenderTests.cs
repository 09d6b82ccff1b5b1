using System.Diagnostics;
using Backprop.Explain.Svg;
using Backprop.Tests.Cli;

namespace Backprop.Tests.Explain;

/// <summary>
/// Each kind of diagram rendered by a real browser (Debian's chromium, headless) and the screenshot looked
/// at: it must show ink, and the batch's colours (vermillion and bluish green for a batch of two).
/// </summary>
public class ChromiumRenderTests
{
    [Theory]
    [InlineData("forward")]
    [InlineData("backward")]
    [InlineData("node-forward")]
    [InlineData("node-backward")]
    [InlineData("paths")]
    public void Chromium_renders_the_diagram_visibly(string kind)
    {
        var trace = ExplainFixtures.Example("article1");
        using var dir = new TempDir();
        string svg = dir.File("diagram.svg", Diagrams.Draw(trace, DiagramKinds.Parse(kind)));
        var png = Png.Read(Screenshot(dir, svg));

        int ink = 0, first = 0, second = 0, pixels = png.Width * png.Height;
        for (int p = 0; p < pixels; p++)
        {
            byte r = png.Rgb[p * 3], g = png.Rgb[p * 3 + 1], b = png.Rgb[p * 3 + 2];
            if (r < 200 || g < 200 || b < 200) ink++;
            if (Near(r, g, b, 0xd5, 0x5e, 0x00)) first++;
            if (Near(r, g, b, 0x00, 0x9e, 0x73)) second++;
        }
        Assert.True(ink > pixels / 200, $"{kind}: only {ink} of {pixels} pixels are not white");
        Assert.True(ink < pixels / 2, $"{kind}: {ink} of {pixels} pixels are dark: the page did not render as a diagram");
        Assert.True(first > 50 && second > 50, $"{kind}: {first} vermillion and {second} bluish-green pixels; the batch's colours are missing");
    }

    private static bool Near(byte r, byte g, byte b, int r0, int g0, int b0) => Math.Abs(r - r0) + Math.Abs(g - g0) + Math.Abs(b - b0) < 40;

    private static byte[] Screenshot(TempDir dir, string svg)
    {
        string chromium = new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(p => p is not null && File.Exists(p))
            ?? throw new InvalidOperationException("chromium not found: install Debian's chromium package (or set CHROMIUM)");
        string png = dir["shot.png"];
        var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={dir["profile"]}",
            "--window-size=1400,900", $"--screenshot={png}", new Uri(svg).AbsoluteUri,
        }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish in 120 s");
        }
        Assert.True(File.Exists(png), $"chromium wrote no screenshot (exit {process.ExitCode}): {stderr.Result}");
        return File.ReadAllBytes(png);
    }
}
