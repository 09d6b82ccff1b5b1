using Microsoft.Playwright;

namespace Backprop.Serve.Tests;

/// <summary>The page's browser suite on <c>backprop serve</c>: the engine over HTTP and Server-Sent Events.</summary>
public sealed class ServeBrowserTests(BrowserFixture fixture) : BrowserTests(fixture), IClassFixture<BrowserFixture>;

/// <summary>
/// The page's browser suite on the static site of <c>backprop site</c>, served from a folder on 127.0.0.1:
/// the engine in a Web Worker. Also what only a page without a server must do: keep working when the host is
/// gone, and replace a worker that dies.
/// </summary>
public sealed class StaticSiteBrowserTests(StaticSiteFixture fixture) : BrowserTests(fixture), IClassFixture<StaticSiteFixture>
{
    [Fact]
    public async Task With_the_static_server_stopped_after_loading_an_edit_still_updates_every_gradient()
    {
        using var server = fixture.NewServer();
        await using var tab = await Open("?example=article1&view=edit", server.Url);
        server.Stop();
        await EditWeight(tab, "w-1-1-1", "0.3");
        await AssertEqualsReference(tab, Reference.Of("article1", spec => HttpTests.WithWeight(spec, 0, 0, 0, 0.3)));
        // Only the browser's own late request for the icon may fail (failed requests name their address); the
        // console's line for it names only the network error, which depends on when the host went away.
        Assert.All(tab.Problems, p => Assert.True(p.Contains("/favicon.svg ", StringComparison.Ordinal) || p.StartsWith("console: Failed to load resource: net::ERR_", StringComparison.Ordinal), p));
    }

    [Fact]
    public async Task A_killed_worker_is_replaced_with_the_example_and_its_edits()
    {
        await using var tab = await Open("?example=article1&view=edit");
        await EditWeight(tab, "w-1-1-1", "0.3");
        var worker = Assert.Single(tab.Page.Workers);
        await worker.EvaluateAsync<bool>("() => { self.close(); return true; }");
        await Assertions.Expect(tab.Id("error")).ToContainTextAsync("a fresh one took over", new() { Timeout = 30_000 });
        Assert.Single(tab.Page.Workers, w => w != worker);
        // The fresh worker holds the edited network, and answers the next edit.
        await EditWeight(tab, "w-2-1-1", "-0.4");
        await AssertEqualsReference(tab, Reference.Of("article1", spec => HttpTests.WithWeight(HttpTests.WithWeight(spec, 0, 0, 0, 0.3), 1, 0, 0, -0.4)));
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task A_worker_killed_after_training_comes_back_with_the_trained_weights()
    {
        await using var tab = await Open("?example=article1&view=train");
        string untrained = (await tab.Id("loss").GetAttributeAsync("data-value"))!;
        await tab.Id("train-one").ClickAsync();
        await Assertions.Expect(tab.Id("train-epoch")).ToHaveAttributeAsync("data-value", "1");
        await Assertions.Expect(tab.Id("loss")).Not.ToHaveAttributeAsync("data-value", untrained); // the trained state, shown
        await tab.Page.Locator("nav.views [data-view=edit]").ClickAsync();
        // The trained values as the page shows them (round-trip text), every weight and bias.
        var values = await tab.Page.EvaluateAsync<string[][]>("""
            () => [...document.querySelectorAll('#weights button.cell[data-ref]')].map(b => [b.dataset.ref, b.dataset.value])
            """);
        Assert.Equal(9 + 4, values.Length); // 2·3 + 3·1 weights, 3 + 1 biases

        var worker = Assert.Single(tab.Page.Workers);
        await worker.EvaluateAsync<bool>("() => { self.close(); return true; }");
        await Assertions.Expect(tab.Id("error")).ToContainTextAsync("a fresh one took over", new() { Timeout = 30_000 });
        // The next edit is made on the trained network, not on the one training started from.
        await EditWeight(tab, "w-2-1-1", "-0.4");
        await AssertEqualsReference(tab, Reference.Of("article1", spec => HttpTests.WithWeight(Trained(spec, values), 1, 0, 0, -0.4)));
        Assert.Empty(tab.Problems);
    }

    /// <summary>The network with the values the page showed: ["W:L:i:j" or "B:L:1:j", value] pairs, counted from 1.</summary>
    private static Model.NetworkSpec Trained(Model.NetworkSpec spec, string[][] values)
    {
        var dense = spec.Layers.Where(l => l.Type == "dense").ToArray();
        foreach (var pair in values)
        {
            var at = pair[0].Split(':');
            int layer = int.Parse(at[1], System.Globalization.CultureInfo.InvariantCulture) - 1, row = int.Parse(at[2], System.Globalization.CultureInfo.InvariantCulture) - 1, col = int.Parse(at[3], System.Globalization.CultureInfo.InvariantCulture) - 1;
            double value = double.Parse(pair[1], System.Globalization.CultureInfo.InvariantCulture);
            if (at[0] == "W") dense[layer].Weights![row][col] = value;
            else dense[layer].Bias![col] = value;
        }
        return spec;
    }

    [Fact]
    public void The_site_is_static_files_under_a_CSP_that_allows_only_its_own_files_and_WebAssembly()
    {
        string html = File.ReadAllText(Path.Combine(fixture.Folder, "index.html"));
        Assert.Contains("<meta name=\"backprop-engine\" content=\"worker\">", html, StringComparison.Ordinal);
        Assert.Contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self' 'wasm-unsafe-eval';", html, StringComparison.Ordinal);
        var files = Directory.GetFiles(fixture.Folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(fixture.Folder, f)).ToList();
        Assert.Contains("worker.js", files);
        Assert.Contains(Path.Combine("_framework", "dotnet.js"), files);
        // No server code and no config for one: a static host serves the files as they are.
        Assert.DoesNotContain(files, f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".config", StringComparison.Ordinal) || f.EndsWith(".exe", StringComparison.Ordinal));
    }

    private static async Task EditWeight(Tab tab, string testId, string value)
    {
        string before = (await tab.Id("loss").GetAttributeAsync("data-value"))!;
        await tab.Id(testId).FocusAsync(); // Enter on a weight opens its editor
        await tab.Page.Keyboard.PressAsync("Enter");
        await tab.Id("edit-value").FillAsync(value);
        await tab.Id("edit-value").PressAsync("Enter");
        await Assertions.Expect(tab.Id("loss")).Not.ToHaveAttributeAsync("data-value", before);
    }
}
