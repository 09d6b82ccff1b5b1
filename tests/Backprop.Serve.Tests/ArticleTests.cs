using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;

namespace Backprop.Serve.Tests;

/// <summary>
/// The three article pages (wwwroot/articles) in Chromium against <c>serve</c>, through their test hooks: the
/// index lists them in order, every link works, article 1's Walk equals <c>grad</c>, article 2's path products
/// add up to the gradient of every weight of every network, article 3's figures equal <c>backprop analyze</c>;
/// nothing breaks the CSP, leaves 127.0.0.1, scrolls sideways at 1280×720, or draws figure text under 12 px.
/// Every test runs on both transports (<see cref="ServeArticleTests"/>, <see cref="StaticSiteArticleTests"/>).
/// </summary>
public abstract class ArticleTests(IPageHost fixture)
{
    /// <summary>Long enough for a study in the browser's WebAssembly engine on this 2-core machine.</summary>
    private static readonly LocatorAssertionsToHaveAttributeOptions Patient = new() { Timeout = 60_000 };

    /// <summary>
    /// How far a float32 study may be from the CLI's, relative: 0 where the engine is this process's (serve). The
    /// browser's WebAssembly engine adds float32 products in another order (128-bit vectors, not this CPU's 256),
    /// so its studies agree to float32 rounding, not to the bit; the float64 Walk and paths stay exact.
    /// </summary>
    protected virtual double Float32Rounding => 0;

    /// <summary>A study's number against the CLI's: equal, or within <see cref="Float32Rounding"/> of it.</summary>
    private void AssertStudyNumber(double expected, double actual, string what)
    {
        if (Float32Rounding == 0) Assert.Equal(expected, actual);
        else Assert.True(Math.Abs(expected - actual) <= Float32Rounding * Math.Max(Math.Abs(expected), 1e-30), $"{what}: {actual} is not {expected}");
    }

    private static readonly string[] Pages = ["articles/index.html", "articles/article-1.html", "articles/article-2.html", "articles/article-3.html"];

    /// <summary>A fresh tab on <paramref name="path"/> (see <see cref="Tab.Open"/>), given the time a study takes in the browser to be ready.</summary>
    protected Task<Tab> Open(string path) =>
        Tab.Open(fixture.Browser, fixture.Url, new Uri(fixture.Url, path), new PageWaitForSelectorOptions { Timeout = 90_000, State = WaitForSelectorState.Attached });

    private static double Number(string? text) => Tab.Number(text);

    private static Task<double> Attr(ILocator l, string name) => Tab.Attr(l, name);

    private Task<byte[]> Shot(Tab tab, string name) =>
        tab.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumFixture.Screenshots, fixture.ShotPrefix + name + ".png") });

    [Fact]
    public async Task Index_lists_the_three_articles_in_order_and_every_link_of_every_page_works()
    {
        await using var tab = await Open(Pages[0]);
        var links = tab.Id("article-link");
        Assert.Equal(3, await links.CountAsync());
        for (int i = 0; i < 3; i++)
            Assert.EndsWith($"article-{i + 1}.html", await links.Nth(i).GetAttributeAsync("href"), StringComparison.Ordinal);

        using var http = new HttpClient();
        var checkedLinks = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in Pages)
        {
            if (path != Pages[0]) await tab.Page.GotoAsync(new Uri(fixture.Url, path).ToString());
            await tab.Page.WaitForSelectorAsync("body[data-ready=true]", new PageWaitForSelectorOptions { Timeout = 90_000, State = WaitForSelectorState.Attached });
            // Every link of the page, resolved by the browser: each stays on this server and answers 200.
            var hrefs = await tab.Page.EvalOnSelectorAllAsync<string[]>("a[href]", "links => links.map(a => a.href)");
            Assert.NotEmpty(hrefs);
            foreach (string href in hrefs)
            {
                Assert.StartsWith(fixture.Url.ToString(), href, StringComparison.Ordinal);
                if (!checkedLinks.Add(href)) continue;
                var response = await http.GetAsync(new Uri(href));
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {href} answered {(int)response.StatusCode}");
            }
            Assert.Contains(hrefs, h => new Uri(h).AbsolutePath == "/index.html"); // back to the playground
        }
        // ... and the playground links to them.
        await tab.Page.GotoAsync(fixture.Url.ToString());
        await tab.Page.WaitForSelectorAsync("body[data-ready=true]", new PageWaitForSelectorOptions { Timeout = 90_000, State = WaitForSelectorState.Attached });
        Assert.Equal(new Uri(fixture.Url, Pages[0]).ToString(), await tab.Id("articles-link").EvaluateAsync<string>("a => a.href"));
        Assert.Empty(tab.Problems);
    }

    [Theory]
    [InlineData("articles/index.html")]
    [InlineData("articles/article-1.html")]
    [InlineData("articles/article-2.html")]
    [InlineData("articles/article-3.html")]
    public async Task Pages_fit_1280_by_720_and_figure_text_is_at_least_12px(string path)
    {
        await using var tab = await Open(path);
        double overflow = await tab.Page.EvaluateAsync<double>("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth");
        Assert.True(overflow <= 0, $"{path} is {overflow} px wider than the window");
        // The rendered size of every piece of text in a figure: SVG text scaled by its transform, HTML text as laid out.
        double smallest = await tab.Page.EvaluateAsync<double>(@"() => {
            const sizes = [];
            for (const t of document.querySelectorAll('figure svg text')) {
              if (!t.textContent.trim() || t.getBBox().width === 0) continue;
              const m = t.getScreenCTM();
              sizes.push(parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)); // a rotated label scales by the same
            }
            for (const e of document.querySelectorAll('figure *')) {
              if (e.closest('svg') || e.closest('math') || ![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
              if (e.getClientRects().length === 0) continue;
              sizes.push(parseFloat(getComputedStyle(e).fontSize));
            }
            return sizes.length ? Math.min(...sizes) : 99;
        }");
        Assert.True(smallest >= 12, $"{path}: the smallest figure text is {smallest:F1} px");
        // Every figure drawn, none replaced by an error line.
        var error = tab.Page.Locator("#error");
        if (await error.CountAsync() > 0) Assert.Equal("", (await error.TextContentAsync())!.Trim());
        Assert.Equal(await tab.Page.Locator(".diagram").CountAsync(), await tab.Page.Locator(".diagram svg").CountAsync());
        await Shot(tab, "article-" + Path.GetFileNameWithoutExtension(path));
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task Article1_walks_at_least_13_steps_with_the_numbers_of_grad_before_and_after_an_edit()
    {
        await using var tab = await Open("articles/article-1.html");
        await AssertGrad(tab, Reference.Of("article1"));

        var labels = new List<string> { (await tab.Id("step-label").TextContentAsync())! };
        for (int i = 0; i < 40; i++)
        {
            await tab.Id("step-next").ClickAsync();
            string label = (await tab.Id("step-label").TextContentAsync())!;
            if (label == labels[^1]) break; // the last step
            labels.Add(label);
            if (labels.Count == 8) await tab.Page.Locator("#fig-walk").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(ChromiumFixture.Screenshots, fixture.ShotPrefix + "article-1-walk-step-8.png") });
        }
        Assert.True(labels.Distinct().Count() >= 13, $"only {labels.Distinct().Count()} distinct steps: {string.Join(" | ", labels)}");
        Assert.Contains(labels, l => l.Contains("step 5", StringComparison.Ordinal));
        // Past the gradients: the update and the next forward pass, as explain --lr does.
        Assert.Contains("after 1 update", labels[^1], StringComparison.Ordinal);
        await tab.Id("step-prev").ClickAsync();
        Assert.Equal(labels[^2], await tab.Id("step-label").TextContentAsync());
        await tab.Id("step-reset").ClickAsync();
        Assert.Equal(labels[0], await tab.Id("step-label").TextContentAsync());

        string before = (await tab.Id("loss").GetAttributeAsync("data-value"))!;
        await tab.Id("w-1-1-1").ClickAsync();
        await tab.Id("edit-value").FillAsync("0.3");
        await tab.Id("edit-value").PressAsync("Enter");
        await Assertions.Expect(tab.Id("loss")).Not.ToHaveAttributeAsync("data-value", before);
        await AssertGrad(tab, Reference.Of("article1", spec => HttpTests.WithWeight(spec, 0, 0, 0, 0.3)));
        Assert.Equal(0.3, await Attr(tab.Id("w-1-1-1"), "data-value"));
        // The edit travels in the address bar and in the link to the playground.
        Assert.Contains("e=W1.1.1:0.3", tab.Page.Url, StringComparison.Ordinal);
        Assert.Contains("e=W1.1.1:0.3", await tab.Id("open-playground").GetAttributeAsync("href"), StringComparison.Ordinal);
        await Shot(tab, "article-1-edited");
        Assert.Empty(tab.Problems);
    }

    private static async Task AssertGrad(Tab tab, Reference.Grad reference)
    {
        Assert.Equal(reference.Loss, await Attr(tab.Id("loss"), "data-value"));
        int count = 0;
        for (int k = 0; k < reference.WeightGrads.Length; k++)
            for (int i = 0; i < reference.WeightGrads[k].Length; i++)
                for (int j = 0; j < reference.WeightGrads[k][i].Length; j++, count++)
                {
                    var w = tab.Id($"w-{k + 1}-{i + 1}-{j + 1}");
                    Assert.Equal(reference.Weights[k][i][j], await Attr(w, "data-value"));
                    Assert.Equal(reference.WeightGrads[k][i][j], await Attr(w, "data-grad"));
                }
        Assert.Equal(9, count); // 2·3 + 3·1 weights
    }

    [Fact]
    public async Task Article2_path_products_sum_to_the_gradient_of_grad_for_every_weight_of_every_network()
    {
        await using var tab = await Open("articles/article-2.html");
        string[] examples = ["linear-1-1", "linear-1-1-1", "linear-1-2", "linear-2-2-2", "linear-2-2-2-2"];
        var options = await tab.Page.EvalOnSelectorAllAsync<string[]>("[data-testid=example] option", "o => o.map(x => x.value)");
        Assert.Equal(examples, options);
        int weights = 0;
        foreach (string example in examples)
        {
            await tab.Id("example").SelectOptionAsync(example);
            var reference = Reference.Of(example);
            await Assertions.Expect(tab.Id("loss")).ToHaveAttributeAsync("data-value", reference.Loss.ToString("R", CultureInfo.InvariantCulture));
            for (int k = 0; k < reference.WeightGrads.Length; k++)
                for (int i = 0; i < reference.WeightGrads[k].Length; i++)
                    for (int j = 0; j < reference.WeightGrads[k][i].Length; j++, weights++)
                    {
                        string weight = $"{k + 1}:{i + 1}:{j + 1}";
                        await tab.Id($"w-{k + 1}-{i + 1}-{j + 1}").ClickAsync();
                        var total = tab.Page.Locator($"[data-testid=path-total][data-weight='{weight}']");
                        await total.WaitForAsync();
                        double gradient = reference.WeightGrads[k][i][j];
                        Assert.Equal(gradient, await Attr(tab.Id($"w-{k + 1}-{i + 1}-{j + 1}"), "data-grad"));
                        double sum = await Attr(total, "data-value");
                        Assert.Equal(gradient, sum, 1e-12);
                        var products = await tab.Page.EvalOnSelectorAllAsync<string[]>("[data-testid=path]", "p => p.map(x => x.dataset.value)");
                        Assert.NotEmpty(products);
                        Assert.Equal(sum, products.Sum(Number), 1e-12);
                    }
        }
        Assert.Equal(1 + 2 + 2 + 8 + 12, weights);
        await Shot(tab, "article-2-paths");
        Assert.Empty(tab.Problems);
    }

    /// <summary>One page load for every figure (the browser's engine computes all of them on the way).</summary>
    [Fact]
    public async Task Article3_figures_equal_analyze_gradients_init_memory_and_loss_scaling()
    {
        await using var tab = await Open("articles/article-3.html");
        await GradNormsEqualAnalyzeGradients(tab);
        await InitAndLossScalingEqualAnalyze(tab);
        await MemoryEqualsAnalyzeMemory(tab);
        await Shot(tab, "article-3-figures");
        Assert.Empty(tab.Problems);
    }

    private async Task GradNormsEqualAnalyzeGradients(Tab tab)
    {
        (int Depth, string Activation, string Init)[] settings = [(10, "sigmoid", "xavier"), (6, "relu", "he"), (4, "tanh", "naive")];
        foreach (var (depth, activation, init) in settings)
        {
            await tab.Id("depth").FillAsync(depth.ToString(CultureInfo.InvariantCulture));
            await tab.Id("activation").SelectOptionAsync(activation);
            await tab.Id("init").SelectOptionAsync(init);
            await tab.Id("depth").DispatchEventAsync("change");
            string expected = JsonSerializer.Serialize(new { depth = depth.ToString(CultureInfo.InvariantCulture), activation, init, epochs = "5" });
            await Assertions.Expect(tab.Id("grad-norms")).ToHaveAttributeAsync("data-settings", expected, Patient);
            double[] page = JsonSerializer.Deserialize<double[]>((await tab.Id("grad-norms").GetAttributeAsync("data-value"))!)!;

            using var cli = JsonDocument.Parse(await Cli("analyze", "gradients", "--depth", $"{depth}", "--activation", activation, "--init", init, "--epochs", "0", "--json"));
            double[] norms = [.. cli.RootElement.GetProperty("epochs")[0].GetProperty("flow").GetProperty("layers").EnumerateArray()
                .Select(l => l.GetProperty("weight_gradient_norm").GetDouble())];
            Assert.Equal(depth, norms.Length);
            Assert.Equal(norms.Length, page.Length);
            for (int l = 0; l < norms.Length; l++) AssertStudyNumber(norms[l], page[l], $"‖∂E/∂W{l + 1}‖ at depth {depth}, {activation}, {init}");
        }
    }

    private static async Task MemoryEqualsAnalyzeMemory(Tab tab)
    {
        await tab.Page.Locator("#mem-batch").FillAsync("64");
        await tab.Page.Locator("#mem-batch").DispatchEventAsync("change");
        await Assertions.Expect(tab.Id("memory-parts")).ToHaveAttributeAsync("data-batch", "64", Patient);
        using var page = JsonDocument.Parse((await tab.Id("memory-parts").GetAttributeAsync("data-value"))!);
        using var cli = JsonDocument.Parse(await Cli("analyze", "memory", "--batch", "64", "--json"));
        var predicted = cli.RootElement.GetProperty("predicted");
        foreach (string part in new[] { "parameters", "gradients", "optimizer_state", "batch", "activations", "temporaries", "total" })
            Assert.Equal(predicted.GetProperty(part).GetInt64(), page.RootElement.GetProperty(part).GetInt64());
    }

    private async Task InitAndLossScalingEqualAnalyze(Tab tab)
    {
        await tab.Page.Locator("#init-depth").FillAsync("4");
        await tab.Page.Locator("#init-activation").SelectOptionAsync("relu");
        await Assertions.Expect(tab.Id("init-variances")).ToHaveAttributeAsync("data-settings", "{\"depth\":\"4\",\"activation\":\"relu\"}", Patient);
        using (var page = JsonDocument.Parse((await tab.Id("init-variances").GetAttributeAsync("data-value"))!))
        using (var cli = JsonDocument.Parse(await Cli("analyze", "init", "--depth", "4", "--activation", "relu", "--epochs", "0", "--json")))
        {
            Assert.Equal(3, cli.RootElement.GetArrayLength());
            AssertLayersEqual(cli.RootElement, page.RootElement, "scheme", ["forward_measured", "forward_theory", "backward_measured", "backward_theory", "weight_variance"]);
        }

        await tab.Page.Locator("#ls-depth").FillAsync("8");
        await tab.Page.Locator("#ls-activation").SelectOptionAsync("tanh");
        await Assertions.Expect(tab.Id("underflow")).ToHaveAttributeAsync("data-settings", "{\"depth\":\"8\",\"activation\":\"tanh\",\"scale\":\"dynamic\"}", Patient);
        using (var page = JsonDocument.Parse((await tab.Id("underflow").GetAttributeAsync("data-value"))!))
        using (var cli = JsonDocument.Parse(await Cli("analyze", "loss-scaling", "--depth", "8", "--activation", "tanh", "--epochs", "1", "--json")))
        {
            var expected = cli.RootElement.GetProperty("layers");
            Assert.Equal(8, expected.GetArrayLength());
            Assert.Equal(expected.GetArrayLength(), page.RootElement.GetArrayLength());
            for (int l = 0; l < expected.GetArrayLength(); l++)
            {
                AssertStudyNumber(expected[l].GetProperty("median_weight_gradient").GetDouble(), page.RootElement[l].GetProperty("median_weight_gradient").GetDouble(), $"layer {l + 1} median");
                // Shares of values lost: a value at float16's threshold may fall either side with float32 rounding.
                foreach (string name in new[] { "weight_gradient_unscaled", "weight_gradient_scaled", "delta_unscaled", "delta_scaled" })
                    Assert.Equal(expected[l].GetProperty(name).GetDouble(), page.RootElement[l].GetProperty(name).GetDouble(), Float32Rounding == 0 ? 0 : 0.01);
            }
        }
    }

    /// <summary>Each group's layers (by <paramref name="key"/>, in order) hold the same numbers on the page as from the CLI.</summary>
    private void AssertLayersEqual(JsonElement cli, JsonElement page, string key, string[] names)
    {
        Assert.Equal(cli.GetArrayLength(), page.GetArrayLength());
        for (int g = 0; g < cli.GetArrayLength(); g++)
        {
            Assert.Equal(cli[g].GetProperty(key).GetString(), page[g].GetProperty(key).GetString());
            var (a, b) = (cli[g].GetProperty("layers"), page[g].GetProperty("layers"));
            Assert.Equal(a.GetArrayLength(), b.GetArrayLength());
            for (int l = 0; l < a.GetArrayLength(); l++)
                foreach (string name in names)
                    AssertStudyNumber(a[l].GetProperty(name).GetDouble(), b[l].GetProperty(name).GetDouble(), $"{cli[g].GetProperty(key)} layer {l + 1} {name}");
        }
    }

    /// <summary>The command line as a user runs it (the built Backprop.Cli beside this assembly): its standard output.</summary>
    protected static async Task<string> Cli(params string[] args)
    {
        var (code, output, error) = await BuiltCli.Run(TimeSpan.FromSeconds(120), args);
        Assert.True(code == 0, $"backprop {string.Join(' ', args)} exited {code}: {error}");
        return output;
    }
}

/// <summary>The article pages served by <c>backprop serve</c> (the engine behind HTTP), and its study endpoints' errors.</summary>
public sealed class ServeArticleTests(BrowserFixture server) : ArticleTests(server), IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData("analyze/gradients?depth=99", "depth must be from 1 to 30, got 99")]
    [InlineData("analyze/gradients?activation=swish", "unknown activation 'swish'")]
    [InlineData("analyze/init?depth=x", "depth 'x' is not a whole number")]
    [InlineData("analyze/init?losses=no", "unknown losses 'no'")]
    [InlineData("analyze/init?losses=0&epochs=2", "without the losses there is no training: epochs must be 0, got 2")]
    [InlineData("analyze/memory?data=/etc/passwd", "unknown data '/etc/passwd'")]
    [InlineData("analyze/nothing", "no study 'nothing'")]
    public async Task Bad_study_settings_are_one_line_of_error(string path, string message)
    {
        using var http = new HttpClient { BaseAddress = server.Url };
        var response = await http.GetAsync("api/" + path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\n", text.Trim(), StringComparison.Ordinal);
        Assert.StartsWith(message, JsonDocument.Parse(text).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}

/// <summary>The article pages of the static site <c>backprop site</c> writes (the engine in a Web Worker), from a loopback folder.</summary>
public sealed class StaticSiteArticleTests(StaticSiteFixture site) : ArticleTests(site), IClassFixture<StaticSiteFixture>
{
    protected override double Float32Rounding => 1e-5;
}
