using System.Globalization;
using System.Xml.Linq;
using Backprop.Explain.Paths;
using Backprop.Explain.Svg;
using Backprop.Plots;
using Backprop.Tests.Cli;

namespace Backprop.Tests.Explain;

/// <summary>Diagrams as files for slides: PNG and PDF from the same SVG, scalable SVG, colours that colour-blind viewers tell apart.</summary>
public class DiagramOutputTests
{
    [Fact]
    public void Svgs_scale_to_the_window_they_have_a_view_box_and_no_fixed_size()
    {
        var root = XDocument.Parse(Diagrams.Draw(ExplainFixtures.Example("article1"), DiagramKind.Backward)).Root!;
        Assert.NotNull(root.Attribute("viewBox"));
        Assert.Null(root.Attribute("width"));
        Assert.Null(root.Attribute("height"));
    }

    [Fact]
    public void A_png_is_the_svg_rendered_pixel_for_pixel_at_twice_its_size()
    {
        string svg = Diagrams.Draw(ExplainFixtures.Example("article1"), DiagramKind.Backward);
        var doc = new SvgDocument(svg);
        var png = Png.Read(DiagramRaster.Png(svg, scale: 2));
        Assert.Equal((int)Math.Ceiling((doc.MaxX - doc.MinX) * 2), png.Width);
        Assert.Equal((int)Math.Ceiling((doc.MaxY - doc.MinY) * 2), png.Height);
        int ink = 0, first = 0, second = 0, pixels = png.Width * png.Height;
        for (int p = 0; p < pixels; p++)
        {
            int r = png.Rgb[p * 3], g = png.Rgb[p * 3 + 1], b = png.Rgb[p * 3 + 2];
            if (r < 200 || g < 200 || b < 200) ink++;
            if (Math.Abs(r - 0xd5) + Math.Abs(g - 0x5e) + Math.Abs(b - 0x00) < 30) first++;
            if (Math.Abs(r - 0x00) + Math.Abs(g - 0x9e) + Math.Abs(b - 0x73) < 30) second++;
        }
        Assert.InRange(ink, pixels / 100, pixels / 2);
        Assert.True(first > 200 && second > 200, $"{first} pixels of example 1's colour, {second} of example 2's");
    }

    [Fact]
    public void The_cli_writes_png_and_pdf_by_extension_and_refuses_others_in_one_line()
    {
        using var dir = new TempDir();
        var png = CliRunner.Run("diagram", "backward", "--example", "article1", "--out", dir["d.png"]);
        Assert.True(png.ExitCode == 0, png.Stderr);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(dir["d.png"])[..4]);
        var pdf = CliRunner.Run("diagram", "node-backward", "--example", "article3", "--out", dir["d.pdf"]);
        Assert.True(pdf.ExitCode == 0, pdf.Stderr);
        Assert.StartsWith("%PDF", File.ReadAllText(dir["d.pdf"])[..8]);
        var gif = CliRunner.Run("diagram", "forward", "--example", "article1", "--out", dir["d.gif"]);
        Assert.Equal(1, gif.ExitCode);
        Assert.Equal("backprop: error: --out " + dir["d.gif"] + ": the format comes from the extension, one of .svg, .png, .pdf", gif.Stderr.TrimEnd());
        Assert.False(File.Exists(dir["d.gif"]));
    }

    [Fact]
    public void The_kind_can_be_a_word_and_options_a_kind_ignores_are_refused()
    {
        using var dir = new TempDir();
        var word = CliRunner.Run("diagram", "backward", "--example", "article1", "--out", dir["w.svg"]);
        var option = CliRunner.Run("diagram", "--kind", "backward", "--example", "article1", "--out", dir["o.svg"]);
        Assert.True(word.ExitCode == 0 && option.ExitCode == 0, word.Stderr + option.Stderr);
        Assert.Equal(File.ReadAllText(dir["o.svg"]), File.ReadAllText(dir["w.svg"]));
        var ignored = CliRunner.Run("diagram", "forward", "--example", "article1", "--weight", "1:1:1", "--out", dir["f.svg"]);
        Assert.Equal(1, ignored.ExitCode);
        Assert.Contains("--weight", ignored.Stderr);
        Assert.Contains("diagram paths --weight 1:1:1", ignored.Stderr);
        Assert.Single(ignored.Stderr.TrimEnd('\n').Split('\n'));
        var node = CliRunner.Run("diagram", "backward", "--example", "article1", "--node", "1:1", "--out", dir["n.svg"]);
        Assert.Equal(1, node.ExitCode);
        Assert.Contains("--node", node.Stderr);
    }

    [Fact]
    public void Projector_mode_draws_heavier_lines_and_full_contrast_text_at_three_times_the_size()
    {
        var trace = ExplainFixtures.Example("article1");
        string svg = Diagrams.Draw(trace, DiagramKind.Backward);
        var normal = XDocument.Parse(svg);
        var large = XDocument.Parse(Projector.Adapt(svg));
        var widths = normal.Descendants().Select(e => e.Attribute("stroke-width")?.Value).OfType<string>().Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        var heavier = large.Descendants().Select(e => e.Attribute("stroke-width")?.Value).OfType<string>().Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(widths.Select(w => Math.Round(2 * w, 2)), heavier);
        Assert.Contains(normal.Descendants(), e => e.Attribute("fill")?.Value == Palette.Muted);
        Assert.DoesNotContain(large.Descendants(), e => e.Attribute("fill")?.Value == Palette.Muted);
        Assert.True(ExplainFixtures.CheckRefs(large, trace) > 20); // the same numbers

        using var dir = new TempDir();
        var run = CliRunner.Run("diagram", "backward", "--example", "article1", "--large", "--out", dir["big.png"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var doc = new SvgDocument(svg);
        Assert.Equal((int)Math.Ceiling((doc.MaxX - doc.MinX) * 3), Png.Read(File.ReadAllBytes(dir["big.png"])).Width);
    }

    [Fact]
    public void At_batch_8_the_legend_lies_inside_the_picture_and_no_wider_than_the_network()
    {
        var trace = ExplainFixtures.Random(5, [2, 3, 1], "sigmoid", batch: 8);
        foreach (var kind in new[] { DiagramKind.Forward, DiagramKind.Backward, DiagramKind.NodeForward })
        {
            var svg = new SvgDocument(Diagrams.Draw(trace, kind));
            svg.AssertInsideViewBox();
            var legend = svg.Xml.Descendants().Where(e => e.Attribute("data-legend") is not null).ToList();
            Assert.Equal(8, legend.Count);
            double legendRight = legend.SelectMany(g => g.Elements().Where(e => e.Name.LocalName == "text"))
                .Max(t => double.Parse(t.Attribute("x")!.Value, CultureInfo.InvariantCulture) + SvgCanvas.TextWidth(t.Value, 11));
            double drawingRight = svg.Xml.Descendants().Where(e => e.Attribute("data-node") is not null)
                .SelectMany(g => g.Descendants().Where(e => e.Name.LocalName == "rect"))
                .Max(r => double.Parse(r.Attribute("x")!.Value, CultureInfo.InvariantCulture) + double.Parse(r.Attribute("width")!.Value, CultureInfo.InvariantCulture));
            Assert.True(legendRight <= drawingRight, $"{kind}: the legend reaches {legendRight}, the drawing {drawingRight}");
        }
    }

    /// <summary>
    /// The batch colours seen with deuteranopia and protanopia (Machado, Oliveira and Fernandes 2009, severity 1,
    /// in linear RGB) stay apart: every pair at least 12 CIELAB units (the old light-to-dark reds: about 4).
    /// </summary>
    [Theory]
    [InlineData("deuteranopia", new[] { 0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.011820, 0.042940, 0.968881 })]
    [InlineData("protanopia", new[] { 0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216, -0.003882, -0.048116, 1.051998 })]
    public void Batch_colours_stay_apart_for_colour_blind_viewers(string vision, double[] m)
    {
        var colours = Enumerable.Range(0, 8).Select(b => Palette.Example(b, 8)).ToList();
        Assert.Equal(8, colours.Distinct().Count());
        var seen = colours.Select(c => Lab(Simulate(c, m))).ToList();
        for (int a = 0; a < seen.Count; a++)
            for (int b = a + 1; b < seen.Count; b++)
            {
                double d = Math.Sqrt(Enumerable.Range(0, 3).Sum(i => Math.Pow(seen[a][i] - seen[b][i], 2)));
                Assert.True(d >= 12, $"{vision}: examples {a + 1} ({colours[a]}) and {b + 1} ({colours[b]}) differ by only {d:F1}");
            }
    }

    /// <summary>
    /// Every text of every diagram reads at WCAG's 4.5:1 against each fill it may sit on (white, a unit's
    /// box, the loss's box, the darkest): the numbers in an example's colour too, which use darker shades of the batch colours.
    /// </summary>
    [Fact]
    public void Every_text_reads_at_4_5_to_1()
    {
        var traces = new[] { ExplainFixtures.Example("article1"), ExplainFixtures.Random(5, [2, 3, 1], "sigmoid", batch: 8), ExplainFixtures.Random(6, [2, 12, 2], "relu", batch: 4) };
        string[] backgrounds = ["#ffffff", Palette.NodeFill, Palette.LossFill];
        foreach (var trace in traces)
            foreach (var kind in Enum.GetValues<DiagramKind>())
            {
                var svg = XDocument.Parse(Diagrams.Draw(trace, kind, kind == DiagramKind.Paths ? PathTarget.Parse(PathTarget.Kind.Weight, "1:1:1", trace) : null, kind is DiagramKind.NodeForward or DiagramKind.NodeBackward ? (1, 1) : null));
                foreach (var text in svg.Descendants().Where(e => e.Name.LocalName is "text" or "tspan" && e.Nodes().OfType<XText>().Any(t => t.Value.Trim().Length > 0)))
                {
                    string fill = text.AncestorsAndSelf().Select(e => e.Attribute("fill")?.Value).FirstOrDefault(f => f is not null) ?? "#000000";
                    foreach (string background in backgrounds)
                        Assert.True(Contrast(fill, background) >= 4.5, $"{kind}: '{text.Value}' in {fill} on {background}: {Contrast(fill, background):F2}:1");
                }
            }
    }

    private static double Contrast(string a, string b)
    {
        static double Luminance(string hex) => 0.2126 * Linear(Channel(hex, 0)) + 0.7152 * Linear(Channel(hex, 1)) + 0.0722 * Linear(Channel(hex, 2));
        double la = Luminance(a), lb = Luminance(b);
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    private static double Channel(string hex, int i) => Convert.ToInt32(hex.Substring(1 + 2 * i, 2), 16) / 255.0;

    private static double[] Simulate(string hex, double[] m)
    {
        var c = Enumerable.Range(0, 3).Select(i => Linear(Convert.ToInt32(hex.Substring(1 + 2 * i, 2), 16) / 255.0)).ToArray();
        return [.. Enumerable.Range(0, 3).Select(i => Math.Clamp(m[3 * i] * c[0] + m[3 * i + 1] * c[1] + m[3 * i + 2] * c[2], 0, 1))];
    }

    private static double Linear(double c) => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);

    private static double[] Lab(double[] rgb)
    {
        double x = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047, y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
        double z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883;
        static double F(double t) => t > 0.008856 ? Math.Cbrt(t) : 7.787 * t + 16.0 / 116;
        return [116 * F(y) - 16, 500 * (F(x) - F(y)), 200 * (F(y) - F(z))];
    }
}
