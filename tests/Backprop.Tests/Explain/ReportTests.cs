using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Backprop.Tests.Cli;

namespace Backprop.Tests.Explain;

/// <summary>The CLI's explain, diagram and report commands, run as a process and read back.</summary>
public class ReportTests
{
    [Theory]
    [InlineData("article1")]
    [InlineData("article2-2-2-2")]
    [InlineData("article3")]
    public void The_report_is_self_contained_and_every_number_is_the_traces(string example)
    {
        using var dir = new TempDir();
        var result = Cli("report", "--example", example, "--out", dir["report.html"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var html = ReadXhtml(File.ReadAllText(dir["report.html"]));
        Assert.True(ExplainFixtures.CheckRefs(html, ExplainFixtures.Descent(example)) > 50);
        var names = html.Descendants().Select(e => e.Name.LocalName).ToHashSet();
        Assert.Contains("svg", names);
        Assert.Contains("math", names);
        Assert.Equal(5, html.Descendants().Count(e => e.Name.LocalName == "svg"));
        // Nothing to fetch: no scripts, images, stylesheets or frames pointing elsewhere.
        Assert.DoesNotContain(html.Descendants(), e => e.Attribute("src") is not null || e.Name.LocalName is "link" or "script" or "iframe");
    }

    [Fact]
    public void Explain_json_holds_the_trace_at_full_precision_and_every_check_passes()
    {
        var result = Cli("explain", "--example", "article1", "--format", "json", "--weight", "1:2:3");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var descent = ExplainFixtures.Descent("article1");
        var trace = descent.First;
        int matrices = 0;
        foreach (var step in json.RootElement.GetProperty("steps").EnumerateArray())
        {
            if (step.TryGetProperty("check", out var check)) Assert.True(check.GetProperty("passed").GetBoolean(), step.GetProperty("title").GetString());
            foreach (var m in step.GetProperty("matrices").EnumerateArray())
            {
                var keyed = descent.Get(m.GetProperty("key").GetString()!);
                bool transposed = m.TryGetProperty("transposed", out var t) && t.GetBoolean();
                var expected = transposed ? Enumerable.Range(0, keyed.Cols).Select(j => Enumerable.Range(0, keyed.Rows).Select(i => keyed[i, j]).ToArray()).ToArray() : keyed.ToRows();
                var shown = m.GetProperty("values").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
                Assert.Equal(expected, shown);
                matrices++;
            }
        }
        Assert.True(matrices > 20);
        var paths = json.RootElement.GetProperty("paths");
        Assert.Equal(trace.Resolve("dW1:1:2"), paths.GetProperty("matrix_value").GetDouble());
        Assert.Equal(paths.GetProperty("matrix_value").GetDouble(), paths.GetProperty("total").GetDouble(), 14);
        foreach (var p in paths.GetProperty("listed").EnumerateArray())
            Assert.Equal(trace.Resolve(p.GetProperty("ref").GetString()!), p.GetProperty("product").GetDouble(), 15);
    }

    [Fact]
    public void Explain_html_tables_show_the_traces_numbers()
    {
        using var dir = new TempDir();
        var result = Cli("explain", "--example", "article3", "--format", "html", "--bias", "1:3");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.True(ExplainFixtures.CheckRefs(ReadXhtml(result.Stdout), ExplainFixtures.Descent("article3")) > 40);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("markdown")]
    public void Text_and_markdown_walk_through_every_layer(string format)
    {
        var result = Cli("explain", "--example", "article2-2-2-2-2", "--format", format);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.DoesNotContain("\u001b[", result.Stdout); // NO_COLOR is set by the runner
        for (int k = 1; k <= 3; k++)
            foreach (var step in new[] { "step 1: weights", "step 2: biases", "step 3:" })
                Assert.Contains($"Layer {k}, {step}", result.Stdout);
        Assert.DoesNotContain("✘", result.Stdout);
    }

    [Fact]
    public void Diagram_files_are_written_from_user_files()
    {
        using var dir = new TempDir();
        string net = dir.File("net.json", """
            { "format": "backprop.network/1",
              "layers": [ { "type": "dense", "inputs": 2, "outputs": 2, "weights": [[0.1, -0.2], [0.3, 0.4]], "bias": [0, 0.1] },
                          { "type": "relu" },
                          { "type": "dense", "inputs": 2, "outputs": 1, "weights": [[0.5], [-0.6]] } ],
              "loss": "sse" }
            """);
        string x = dir.File("x.csv", "1,2\n-1,0.5\n0.3,0.3\n"), t = dir.File("t.csv", "1\n0\n0.5\n");
        var result = Cli("diagram", "--network", net, "--inputs", x, "--targets", t, "--kind", "paths", "--weight", "1:2:1", "--out", dir["p.svg"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var svg = new SvgDocument(File.ReadAllText(dir["p.svg"]));
        Assert.Contains("dW1:1:0", svg.Ids("data-ref"));
    }

    [Theory]
    [InlineData("explain", "--example", "article9")]
    [InlineData("explain", "--example", "article1", "--weight", "1:9:1")]
    [InlineData("explain", "--example", "article1", "--weight", "1:1:1", "--bias", "1:1")]
    [InlineData("explain", "--example", "article1", "--format", "pdf")]
    [InlineData("explain", "--network", "missing.json", "--inputs", "x.csv", "--targets", "t.csv")]
    [InlineData("explain")]
    [InlineData("diagram", "--example", "article1", "--kind", "sideways", "--out", "x.svg")]
    [InlineData("diagram", "--example", "article1", "--kind", "node-forward", "--node", "1:7", "--out", "x.svg")]
    public void Bad_input_gives_one_clear_line(params string[] args)
    {
        using var dir = new TempDir();
        var result = CliRunner.RunIn(dir.Path, args);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("backprop: error: ", result.Stderr);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
    }

    private static CliRunner.Result Cli(params string[] args) => CliRunner.Run(args);

    /// <summary>The report is written as polyglot XHTML, so it parses as XML (the DOCTYPE aside).</summary>
    private static XDocument ReadXhtml(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }
}
