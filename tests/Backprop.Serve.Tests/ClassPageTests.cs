using System.Globalization;
using Microsoft.Playwright;

namespace Backprop.Serve.Tests;

/// <summary>
/// The page made for a class (issue 20, part 3), at 1280×720 in Chromium: it opens on the first article's
/// network, never scrolls sideways, draws the diagram large enough to read from the back row, trains until
/// paused, keeps the whole state in the address bar, and can be embedded. On both transports (see the two
/// classes at the end).
/// </summary>
public abstract class ClassPageTests(IPageHost fixture)
{
    /// <summary>A fresh tab (see <see cref="Tab.Open"/>: a request for any host but 127.0.0.1 is a problem), optionally allowed the clipboard.</summary>
    private async Task<Tab> Open(string query = "", bool clipboard = false)
    {
        var tab = await Tab.Open(fixture.Browser, fixture.Url, new Uri(fixture.Url, query));
        if (clipboard) await tab.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = fixture.Url.GetLeftPart(UriPartial.Authority) });
        return tab;
    }

    private static double Number(string? text) => Tab.Number(text);

    private static Task<double> Attr(ILocator l, string name) => Tab.Attr(l, name);

    private Task<byte[]> Shot(Tab tab, string name) =>
        tab.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, fixture.ShotPrefix + name + ".png") });

    /// <summary>How far the page is wider than the window (0: no horizontal scrolling).</summary>
    private static Task<double> Overflow(Tab tab) =>
        tab.Page.EvaluateAsync<double>("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth");

    /// <summary>The smallest text of the Walk diagram as drawn on screen: each text's computed size times the SVG's scale.</summary>
    private static Task<double> SmallestDiagramText(Tab tab) => tab.Page.EvaluateAsync<double>("""
        () => {
          const svg = document.querySelector('[data-testid=diagram] svg');
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          let least = Infinity;
          for (const t of svg.querySelectorAll('text, tspan'))
            if (t.textContent.trim()) least = Math.min(least, parseFloat(getComputedStyle(t).fontSize) * scale);
          return least;
        }
        """);

    /// <summary>The boundary's cells: blue and vermillion mixed with 70 % white, as RGBA.</summary>
    private static readonly string[] PaleClassColours = ["179,213,232,255", "242,207,179,255"];

    private static async Task<double> Epoch(Tab tab) => await Attr(tab.Id("train-epoch"), "data-value");

    [Fact]
    public async Task Opens_on_article1_2_3_1_batch_2_at_step_1()
    {
        await using var tab = await Open();
        Assert.Equal("article1", await tab.Id("example").InputValueAsync());
        await Assertions.Expect(tab.Page.Locator("#shape")).ToHaveTextAsync("article1: layers 2-3-1, batch 2");
        Assert.StartsWith("Step 1 of 13:", await tab.Id("step-label").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("sigmoid", await tab.Id("activation").InputValueAsync());
        Assert.Equal("half_sse", await tab.Id("loss-name").InputValueAsync());
        Assert.False(await tab.Id("layers").IsVisibleAsync()); // an article brings its own layers
        Assert.False(await tab.Page.Locator("#edit-hint").IsVisibleAsync());
        Assert.Contains("example=article1", tab.Page.Url, StringComparison.Ordinal);
        // One colour per example: the batch table's swatches are the diagram's legend colours.
        var colours = await tab.Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('#batch .swatch')].map(s => getComputedStyle(s).backgroundColor)
              .concat([...document.querySelectorAll('[data-testid=diagram] [data-legend] rect')].map(r => getComputedStyle(r).fill))
            """);
        Assert.Equal(["rgb(213, 94, 0)", "rgb(0, 158, 115)", "rgb(213, 94, 0)", "rgb(0, 158, 115)"], colours);
        await Shot(tab, "class-open");
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task No_horizontal_scrolling_at_1280x720_for_any_example_or_view()
    {
        await using var tab = await Open();
        var names = await tab.Page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('[data-testid=example] option')].map(o => o.value)");
        Assert.Contains("article1", names);
        Assert.Contains("spirals", names);
        foreach (string name in names)
        {
            await tab.Id("example").SelectOptionAsync(name);
            await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync($"{name}: layers");
            foreach (string view in new[] { "walk", "inspect", "edit", "train" })
            {
                await tab.Page.Locator($"nav.views [data-view={view}]").ClickAsync();
                Assert.True(await Overflow(tab) <= 0, $"{name} in {view}: the page is {await Overflow(tab)} px wider than the window");
            }
            await tab.Page.Locator("nav.views [data-view=walk]").ClickAsync();
            await tab.Id("step-next").ClickAsync();
            Assert.True(await Overflow(tab) <= 0, $"{name} at step 2: the page is {await Overflow(tab)} px wider than the window");
        }
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task Diagram_text_is_at_least_12_px_and_larger_in_large_mode()
    {
        await using var tab = await Open("?example=article1");
        double forward = await SmallestDiagramText(tab);
        Assert.True(forward >= 12, $"smallest diagram text {forward:F2} px");
        for (int i = 0; i < 6; i++) await tab.Id("step-next").ClickAsync(); // into the backward pass
        double backward = await SmallestDiagramText(tab);
        Assert.True(backward >= 12, $"smallest backward diagram text {backward:F2} px");
        await tab.Page.Locator("#large").ClickAsync();
        await tab.Page.WaitForFunctionAsync("() => document.documentElement.classList.contains('large')");
        await tab.Page.WaitForTimeoutAsync(100); // the rescale runs in the next animation frame
        double large = await SmallestDiagramText(tab);
        Assert.True(large > backward && large >= 15, $"large mode: smallest text {large:F2} px against {backward:F2} px");
        Assert.Contains("large=1", tab.Page.Url, StringComparison.Ordinal);
        Assert.True(await Overflow(tab) <= 0, "large mode scrolls the page sideways");
        await Shot(tab, "class-large");
        // A reload keeps large mode, and the step.
        string step = await tab.Id("step-label").InnerTextAsync();
        await tab.Page.ReloadAsync();
        await tab.Page.WaitForSelectorAsync("body[data-ready=true]");
        Assert.True(await tab.Page.EvaluateAsync<bool>("() => document.documentElement.classList.contains('large')"));
        Assert.Equal(step, await tab.Id("step-label").InnerTextAsync());
        Assert.Empty(tab.Problems);
    }

    [Theory]
    [InlineData("xor")]
    [InlineData("spirals")] // 2-64-64-2: a block diagram
    public async Task Diagram_text_is_at_least_12_px_on_the_data_sets_too(string example)
    {
        await using var tab = await Open($"?example={example}");
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync(example);
        for (int i = 0; i < 8; i++)
        {
            double smallest = await SmallestDiagramText(tab);
            Assert.True(smallest >= 12, $"{example}, step {i + 1}: smallest diagram text {smallest:F2} px");
            Assert.True(await Overflow(tab) <= 0, $"{example}, step {i + 1}: the page scrolls sideways");
            await tab.Id("step-next").ClickAsync();
        }
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task Training_runs_until_paused_goes_on_from_there_and_resets_to_epoch_0()
    {
        await using var tab = await Open("?example=xor&view=train");
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("xor");
        string untrained = (await tab.Id("loss").GetAttributeAsync("data-value"))!;
        await tab.Id("train-start").ClickAsync();
        await tab.Page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=train-epoch]').dataset.value) >= 3");
        // The curves start at epoch 0: the untrained network's loss is their first point.
        Assert.StartsWith("0-", await tab.Page.Locator("#loss-chart").GetAttributeAsync("data-epochs"), StringComparison.Ordinal);
        double first = await Epoch(tab);
        await tab.Page.WaitForTimeoutAsync(1500);
        double later = await Epoch(tab);
        Assert.True(later > first, $"epoch {first} then {later}: training should keep running");
        Assert.True(await tab.Id("train-stop").IsEnabledAsync()); // still running: it stops only when paused
        Assert.True(later < 1000, $"epoch {later} after about 2 s: the default pace should let one watch");
        await Shot(tab, "class-train");
        await tab.Id("train-stop").ClickAsync();
        await Assertions.Expect(tab.Id("train-start")).ToBeEnabledAsync();
        double paused = await Epoch(tab);
        // The decision boundary is cleared and drawn whole at each snapshot: after many, a cell is still exactly
        // one class's pale colour (painting over without clearing would have darkened it).
        var corner = await tab.Page.EvaluateAsync<int[]>("() => [...document.querySelector('[data-testid=train-boundary]').getContext('2d').getImageData(1, 1, 1, 1).data]");
        Assert.Contains($"{corner[0]},{corner[1]},{corner[2]},{corner[3]}", PaleClassColours);
        Assert.True(paused >= later);
        await tab.Page.WaitForTimeoutAsync(400);
        Assert.Equal(paused, await Epoch(tab)); // paused means paused
        double testAccuracy = await Attr(tab.Id("test-accuracy"), "data-value");
        Assert.InRange(testAccuracy, 0, 1);
        await Assertions.Expect(tab.Id("loss")).Not.ToHaveAttributeAsync("data-value", untrained); // the walk shows the trained network

        // One epoch counts up from where the run stopped, twice.
        await tab.Id("train-one").ClickAsync();
        await Assertions.Expect(tab.Id("train-epoch")).ToHaveAttributeAsync("data-value", (paused + 1).ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(tab.Id("train-one")).ToBeEnabledAsync();
        await tab.Id("train-one").ClickAsync();
        await Assertions.Expect(tab.Id("train-epoch")).ToHaveAttributeAsync("data-value", (paused + 2).ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(tab.Id("train-one")).ToBeEnabledAsync();

        // A second start goes on counting on the trained weights; the counter never falls back.
        await tab.Page.EvaluateAsync("""
            () => {
              window.__epochs = [];
              const el = document.querySelector('[data-testid=train-epoch]');
              new MutationObserver(() => window.__epochs.push(Number(el.dataset.value))).observe(el, { attributes: true });
            }
            """);
        await tab.Id("train-start").ClickAsync();
        await tab.Page.WaitForFunctionAsync($"() => Number(document.querySelector('[data-testid=train-epoch]').dataset.value) >= {paused + 5}");
        await tab.Id("train-stop").ClickAsync();
        await Assertions.Expect(tab.Id("train-start")).ToBeEnabledAsync();
        var seen = await tab.Page.EvaluateAsync<double[]>("() => window.__epochs");
        Assert.NotEmpty(seen);
        Assert.All(seen, e => Assert.True(e >= paused + 2, $"epoch {e} seen after restarting at {paused + 2}"));

        // Reset: the starting network (its loss, bit for bit) at epoch 0.
        await tab.Id("train-reset").ClickAsync();
        await Assertions.Expect(tab.Id("train-epoch")).ToHaveAttributeAsync("data-value", "0");
        await Assertions.Expect(tab.Id("train-loss")).ToHaveTextAsync("–");
        await Assertions.Expect(tab.Id("loss")).ToHaveAttributeAsync("data-value", untrained);
        await Assertions.Expect(tab.Id("test-accuracy")).ToHaveTextAsync("–");
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task The_slow_pace_trains_five_epochs_a_second()
    {
        await using var tab = await Open("?example=xor&view=train");
        await tab.Id("train-pace").SelectOptionAsync("200");
        await tab.Id("train-start").ClickAsync();
        await tab.Page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=train-epoch]').dataset.value) >= 1");
        double from = await Epoch(tab);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await tab.Page.WaitForTimeoutAsync(1500);
        double to = await Epoch(tab);
        double seconds = clock.Elapsed.TotalSeconds;
        await tab.Id("train-stop").ClickAsync();
        // Each epoch lasts at least 200 ms: at most 5 a second (and one in flight); the run does go on.
        Assert.True(to > from, $"epoch {from} then {to}: the run should go on at the slow pace");
        Assert.True(to - from <= 5 * seconds + 1, $"{to - from} epochs in {seconds:F1} s at 200 ms an epoch");
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task Play_steps_on_by_itself_until_paused()
    {
        await using var tab = await Open("?example=article1");
        await Assertions.Expect(tab.Id("step-label")).ToContainTextAsync("Step 1 of");
        await tab.Page.Locator("#speed-range").FillAsync("10"); // the fastest: a step every 0.3 s
        await tab.Id("play").ClickAsync();
        await Assertions.Expect(tab.Id("step-label")).ToContainTextAsync("Step 3 of", new() { Timeout = 10_000 });
        await tab.Id("play").ClickAsync();
        string paused = await tab.Id("step-label").InnerTextAsync();
        await tab.Page.WaitForTimeoutAsync(1000);
        Assert.Equal(paused, await tab.Id("step-label").InnerTextAsync());
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task An_uploaded_network_with_its_batch_gives_grads_numbers()
    {
        var e = Explain.Examples.Load("article1");
        static byte[] Csv(double[][] rows) => System.Text.Encoding.UTF8.GetBytes(string.Join("\n", rows.Select(r => string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))) + "\n");
        await using var tab = await Open("?view=edit");
        await tab.Id("upload-network").SetInputFilesAsync(new FilePayload { Name = "mine.json", MimeType = "application/json", Buffer = System.Text.Encoding.UTF8.GetBytes(IO.NetworkJson.Write(e.Network)) });
        await tab.Id("upload-inputs").SetInputFilesAsync(new FilePayload { Name = "x.csv", MimeType = "text/csv", Buffer = Csv(e.X) });
        await tab.Id("upload-targets").SetInputFilesAsync(new FilePayload { Name = "t.csv", MimeType = "text/csv", Buffer = Csv(e.T) });
        await Assertions.Expect(tab.Page.Locator("#uploaded option")).ToHaveTextAsync("upload: mine.json");
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("layers 2-3-1, batch 2");
        var reference = Reference.Of("article1");
        Assert.Equal(reference.Loss, await Attr(tab.Id("loss"), "data-value"));
        Assert.Equal(reference.WeightGrads[1][2][0], await Attr(tab.Id("w-2-3-1"), "data-grad"));
        await Assertions.Expect(tab.Id("error")).ToBeEmptyAsync();
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task An_articles_network_trains_as_a_regression_without_an_accuracy()
    {
        await using var tab = await Open("?example=article1&view=train");
        await tab.Id("train-one").ClickAsync();
        await Assertions.Expect(tab.Id("train-epoch")).ToHaveAttributeAsync("data-value", "1");
        await Assertions.Expect(tab.Id("train-accuracy")).ToContainTextAsync("n/a");
        Assert.Null(await tab.Id("train-accuracy").GetAttributeAsync("data-value"));
        Assert.True(await Attr(tab.Id("train-loss"), "data-value") > 0);
        // The trained weights are in the link: a reload shows the same loss.
        await Assertions.Expect(tab.Id("train-one")).ToBeEnabledAsync();
        await tab.Page.WaitForFunctionAsync("() => location.search.includes('e=')");
        string loss = (await tab.Id("loss").GetAttributeAsync("data-value"))!;
        await using var again = await Open(new Uri(tab.Page.Url).Query);
        Assert.Equal(loss, await again.Id("loss").GetAttributeAsync("data-value"));
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task A_reloaded_url_reproduces_an_edited_state()
    {
        await using var tab = await Open("?example=article1&view=edit");
        Assert.True(await tab.Page.Locator("#edit-hint").IsVisibleAsync()); // Edit does not look like Walk
        await tab.Id("w-1-1-1").ClickAsync();
        await tab.Id("edit-value").FillAsync("0.9");
        await tab.Id("edit-value").PressAsync("Enter");
        await Assertions.Expect(tab.Id("w-1-1-1")).ToHaveAttributeAsync("data-value", "0.9");
        await tab.Id("step-next").ClickAsync();
        await tab.Id("step-next").ClickAsync();
        Assert.Contains("e=W1.1.1:0.9", tab.Page.Url, StringComparison.Ordinal);
        Assert.Contains("weight=1:1:1", tab.Page.Url, StringComparison.Ordinal);

        await using var shared = await Open(new Uri(tab.Page.Url).Query);
        var reference = Reference.Of("article1", spec => HttpTests.WithWeight(spec, 0, 0, 0, 0.9));
        Assert.Equal(0.9, await Attr(shared.Id("w-1-1-1"), "data-value"));
        Assert.Equal(reference.Loss, await Attr(shared.Id("loss"), "data-value"));
        for (int k = 0; k < reference.WeightGrads.Length; k++)
            for (int i = 0; i < reference.WeightGrads[k].Length; i++)
                for (int j = 0; j < reference.WeightGrads[k][i].Length; j++)
                {
                    var w = shared.Id($"w-{k + 1}-{i + 1}-{j + 1}");
                    Assert.Equal(reference.Weights[k][i][j], await Attr(w, "data-value"));
                    Assert.Equal(reference.WeightGrads[k][i][j], await Attr(w, "data-grad"));
                }
        Assert.Equal(await tab.Id("step-label").InnerTextAsync(), await shared.Id("step-label").InnerTextAsync());
        Assert.Equal("edit", await shared.Page.EvaluateAsync<string>("() => document.documentElement.dataset.view"));
        Assert.Equal(new Uri(tab.Page.Url).Query, new Uri(shared.Page.Url).Query);

        // A changed loss travels too.
        await shared.Id("loss-name").SelectOptionAsync("sse");
        await Assertions.Expect(shared.Id("loss")).Not.ToHaveAttributeAsync("data-value", reference.Loss.ToString("R", CultureInfo.InvariantCulture));
        string sse = (await shared.Id("loss").GetAttributeAsync("data-value"))!;
        await using var third = await Open(new Uri(shared.Page.Url).Query);
        Assert.Equal("sse", await third.Id("loss-name").InputValueAsync());
        Assert.Equal(sse, await third.Id("loss").GetAttributeAsync("data-value"));
        Assert.Empty(tab.Problems);
        Assert.Empty(shared.Problems);
    }

    [Fact]
    public async Task Each_example_brings_its_own_settings()
    {
        await using var fresh = await Open("?example=xor");
        string xorLoss = (await fresh.Id("loss").GetAttributeAsync("data-value"))!;
        await using var tab = await Open("?example=article1");
        await tab.Id("example").SelectOptionAsync("xor");
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("xor: layers 2-64-64-2");
        Assert.Equal("cross_entropy", await tab.Id("loss-name").InputValueAsync());
        Assert.Equal("relu", await tab.Id("activation").InputValueAsync());
        Assert.Equal(xorLoss, await tab.Id("loss").GetAttributeAsync("data-value"));
        Assert.True(await tab.Id("layers").IsVisibleAsync());
        await tab.Id("example").SelectOptionAsync("article1");
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("article1: layers 2-3-1");
        Assert.Equal("sigmoid", await tab.Id("activation").InputValueAsync());
        Assert.Equal("half_sse", await tab.Id("loss-name").InputValueAsync());
        Assert.False(await tab.Id("layers").IsVisibleAsync());
        // The second article's linear networks have no activation: the select says so, not article1's sigmoid.
        await tab.Id("example").SelectOptionAsync("article2-2-2-2");
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("article2-2-2-2: layers 2-2-2");
        Assert.True(await tab.Id("activation").IsDisabledAsync());
        Assert.Equal("identity", await tab.Id("activation").InputValueAsync());
        await tab.Id("example").SelectOptionAsync("article1");
        await Assertions.Expect(tab.Id("activation")).ToHaveValueAsync("sigmoid");
        Assert.True(await tab.Id("activation").IsEnabledAsync());
        // A CSV uploaded while article1 shows trains with the data sets' settings, not the article's.
        await tab.Id("upload").SetInputFilesAsync(new FilePayload { Name = "two.csv", MimeType = "text/csv", Buffer = "x,y,label\n0.1,0.2,0\n0.3,0.4,1\n0.5,0.1,0\n0.9,0.8,1\n0.2,0.7,1\n"u8.ToArray() });
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("two.csv");
        Assert.Equal("cross_entropy", await tab.Id("loss-name").InputValueAsync());
        Assert.Equal("relu", await tab.Id("activation").InputValueAsync());
        string uploadLoss = (await tab.Id("loss").GetAttributeAsync("data-value"))!;
        // Away to article1 and back: the upload comes back with its own settings, not the article's.
        await tab.Id("example").SelectOptionAsync("article1");
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("article1");
        await tab.Id("example").SelectOptionAsync("upload");
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("two.csv: layers 2-64-64-2");
        Assert.Equal("relu", await tab.Id("activation").InputValueAsync());
        Assert.Equal(uploadLoss, await tab.Id("loss").GetAttributeAsync("data-value"));
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task A_small_uploaded_csv_travels_in_the_link_with_its_settings_and_edits()
    {
        await using var tab = await Open("?example=article1");
        await tab.Id("upload").SetInputFilesAsync(new FilePayload { Name = "small.csv", MimeType = "text/csv", Buffer = "x,y,label\n0.1,0.2,0\n0.3,0.4,1\n0.5,0.1,0\n0.9,0.8,1\n0.2,0.7,1\n"u8.ToArray() });
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("small.csv: layers 2-64-64-2");
        await tab.Id("layers").FillAsync("4");
        await tab.Id("layers").PressAsync("Enter");
        await tab.Id("layers").BlurAsync();
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("small.csv: layers 2-4-2");
        await tab.Id("activation").SelectOptionAsync("tanh");
        await Assertions.Expect(tab.Id("activation")).ToHaveValueAsync("tanh");
        await tab.Page.WaitForFunctionAsync("() => location.search.includes('activation=tanh')");
        await tab.Id("w-1-1-1").Locator("rect").ClickAsync();
        await tab.Id("edit-value").FillAsync("-1.25");
        await tab.Id("edit-value").PressAsync("Enter");
        await Assertions.Expect(tab.Id("w-1-1-1")).ToHaveAttributeAsync("data-value", "-1.25");
        string loss = (await tab.Id("loss").GetAttributeAsync("data-value"))!;
        Assert.Contains("csv=", tab.Page.Url, StringComparison.Ordinal);
        await using var shared = await Open(new Uri(tab.Page.Url).Query);
        await Assertions.Expect(shared.Page.Locator("#shape")).ToContainTextAsync("small.csv: layers 2-4-2");
        Assert.Equal("upload", await shared.Id("example").InputValueAsync());
        Assert.Equal("tanh", await shared.Id("activation").InputValueAsync());
        Assert.Equal("-1.25", await shared.Id("w-1-1-1").GetAttributeAsync("data-value"));
        Assert.Equal(loss, await shared.Id("loss").GetAttributeAsync("data-value"));
        Assert.Empty(shared.Problems);
    }

    [Fact]
    public async Task Embed_shows_one_view_without_the_page_around_it()
    {
        await using var tab = await Open("?example=article1&embed=1");
        Assert.True(await tab.Id("diagram").IsVisibleAsync());
        Assert.True(await tab.Id("step-next").IsVisibleAsync());
        Assert.False(await tab.Id("example").IsVisibleAsync());
        Assert.False(await tab.Page.Locator("nav.views").IsVisibleAsync());
        Assert.False(await tab.Page.Locator("#batch-panel").IsVisibleAsync());
        Assert.True(await Overflow(tab) <= 0);
        await tab.Id("step-next").ClickAsync();
        Assert.Contains("embed=1", tab.Page.Url, StringComparison.Ordinal);
        await Shot(tab, "class-embed");
        await using var train = await Open("?example=xor&embed=1&view=train");
        Assert.True(await train.Id("train-start").IsVisibleAsync());
        Assert.False(await train.Id("diagram").IsVisibleAsync());
        Assert.False(await train.Id("step-next").IsVisibleAsync());
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task Keyboard_order_starts_with_the_step_controls_and_the_editor_gives_the_focus_back()
    {
        await using var tab = await Open("?example=article1");
        string Focused() => "() => document.activeElement?.dataset?.testid ?? document.activeElement?.tagName";
        await tab.Page.Keyboard.PressAsync("Tab");
        Assert.Equal("step-reset", await tab.Page.EvaluateAsync<string>(Focused()));
        await tab.Page.Keyboard.PressAsync("Tab");
        Assert.Equal("step-prev", await tab.Page.EvaluateAsync<string>(Focused()));
        await tab.Page.Keyboard.PressAsync("Tab");
        Assert.Equal("step-next", await tab.Page.EvaluateAsync<string>(Focused()));

        // Enter on a weight opens the editor; Esc closes it and the focus is back on the weight.
        await tab.Id("w-2-1-1").FocusAsync();
        await tab.Page.Keyboard.PressAsync("Enter");
        Assert.Equal("edit-value", await tab.Page.EvaluateAsync<string>(Focused()));
        await tab.Page.Keyboard.PressAsync("Escape");
        Assert.True(await tab.Id("edit-value").IsHiddenAsync());
        Assert.Equal("w-2-1-1", await tab.Page.EvaluateAsync<string>(Focused()));
        // Enter sets the value; the redrawn weight has the focus.
        await tab.Page.Keyboard.PressAsync("Enter");
        await tab.Page.Keyboard.TypeAsync("0.7");
        await tab.Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(tab.Id("w-2-1-1")).ToHaveAttributeAsync("data-value", "0.7");
        await tab.Page.WaitForFunctionAsync("() => document.activeElement?.dataset?.testid === 'w-2-1-1'");

        // The arrows step the Walk where it is shown, and not in Train.
        string label = await tab.Id("step-label").InnerTextAsync();
        await tab.Page.Locator("nav.views [data-view=train]").ClickAsync();
        await tab.Page.Keyboard.PressAsync("ArrowRight");
        await tab.Page.Locator("nav.views [data-view=walk]").ClickAsync();
        Assert.Equal(label, await tab.Id("step-label").InnerTextAsync());
        await tab.Page.Keyboard.PressAsync("ArrowRight");
        Assert.NotEqual(label, await tab.Id("step-label").InnerTextAsync());
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task The_walk_follows_the_first_articles_order_and_shows_gradients_from_the_backward_pass()
    {
        await using var tab = await Open("?example=article1");
        var titles = new List<string>();
        for (int i = 0; i < 13; i++)
        {
            titles.Add(await tab.Id("step-label").InnerTextAsync());
            if (i == 0) Assert.False(await tab.Page.Locator("#weights .grad").First.IsVisibleAsync()); // no gradient before the backward pass
            if (i == 1) await Assertions.Expect(tab.Page.Locator("#step-matrices")).ToContainTextAsync("L¹ (2×3)"); // H¹ = σ(L¹) shows its L¹
            if (titles[^1].Contains("Loss", StringComparison.Ordinal)) await Assertions.Expect(tab.Id("diagram")).ToContainTextAsync("∂E/∂y");
            await tab.Id("step-next").ClickAsync();
        }
        int Index(string part) => titles.FindIndex(t => t.Contains(part, StringComparison.Ordinal));
        Assert.True(Index("Layer 2, step 3") < Index("Layer 2, step 4"), string.Join("\n", titles));
        Assert.True(Index("Layer 2, step 4") < Index("Layer 2, step 5"), string.Join("\n", titles));
        Assert.True(Index("Layer 2, step 5") < Index("Layer 1, step 1"), string.Join("\n", titles));
        Assert.Equal(-1, Index("Layer 1, step 4"));
        Assert.True(Index("Loss") >= 0, string.Join("\n", titles)); // the loss step was seen, and drew ∂E/∂y
        Assert.True(await tab.Page.Locator("#weights .grad").First.IsVisibleAsync());
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task Inspect_marks_the_hovered_weight_counts_its_paths_and_edits_in_view()
    {
        await using var tab = await Open("?example=article1&view=inspect");
        await tab.Id("w-1-1-1").HoverAsync();
        await Assertions.Expect(tab.Id("w-1-1-1")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("hovered"));
        await Assertions.Expect(tab.Page.Locator("#inspect-summary")).ToContainTextAsync("2 paths from the loss");
        // Numbers for reading: four significant digits (the exact value in data-value and the tooltip).
        string total = await tab.Id("paths-total").InnerTextAsync();
        Assert.True(total.Length <= 9, $"paths-total shows '{total}'");
        Assert.Equal(await Attr(tab.Id("paths-total"), "data-value"), Number(await tab.Id("paths-total").GetAttributeAsync("title")));
        await using (var one = await Open("?example=article2-1-1&view=inspect")) // batch 1: one path to its weight
        {
            await one.Id("w-1-1-1").HoverAsync();
            await Assertions.Expect(one.Page.Locator("#inspect-summary")).ToContainTextAsync("; 1 path from the loss");
            await Assertions.Expect(one.Page.Locator("#paths .sum")).ToContainTextAsync("Σ over all 1 path =");
        }
        // Clicking a weight in Inspect opens an editor that is on screen.
        await tab.Id("w-2-1-1").Locator("rect").ClickAsync(); // its label (the arrows' middle is the background)
        Assert.True(await tab.Id("edit-value").IsVisibleAsync());
        await tab.Id("edit-value").FillAsync("0.25");
        await tab.Id("edit-value").PressAsync("Enter");
        await Assertions.Expect(tab.Id("w-2-1-1")).ToHaveAttributeAsync("data-value", "0.25");
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task Links_and_downloads_say_what_they_hold()
    {
        await using var tab = await Open("?example=bogus&view=large", clipboard: true);
        await Assertions.Expect(tab.Id("error")).ToContainTextAsync("'bogus'");
        Assert.Equal("article1", await tab.Id("example").InputValueAsync());
        Assert.True(await tab.Page.EvaluateAsync<bool>("() => document.documentElement.classList.contains('large')"));
        Assert.False(await tab.Page.Locator("#train-panel").IsVisibleAsync()); // view=large: the Walk, large
        // history.csv before any training says why there is nothing.
        await tab.Page.Locator("#dl-history").ClickAsync();
        await Assertions.Expect(tab.Id("error")).ToContainTextAsync("nothing trained yet");
        // The SVG download is the diagram shown: the backward one once the walk is there.
        for (int i = 0; i < 6; i++) await tab.Id("step-next").ClickAsync();
        var download = await tab.Page.RunAndWaitForDownloadAsync(() => tab.Page.Locator("#dl-svg").ClickAsync());
        string svg = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("Backward pass", svg, StringComparison.Ordinal);
        // Copy link answers.
        await tab.Id("copy-link").ClickAsync();
        await Assertions.Expect(tab.Id("copy-link")).ToContainTextAsync("copied");
        Assert.Equal(tab.Page.Url, await tab.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        // A trained 2-64-64-2 network is too large for the link: the page says so.
        await tab.Id("example").SelectOptionAsync("spirals");
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("spirals");
        await tab.Page.Locator("nav.views [data-view=train]").ClickAsync();
        await tab.Id("train-one").ClickAsync();
        await Assertions.Expect(tab.Id("link-note")).ToContainTextAsync("not in the link");
        Assert.Contains("example=spirals", tab.Page.Url, StringComparison.Ordinal);
    }
}

/// <summary>The class page on <c>backprop serve</c>: the engine over HTTP.</summary>
public sealed class ServeClassPageTests(BrowserFixture fixture) : ClassPageTests(fixture), IClassFixture<BrowserFixture>;

/// <summary>The class page on the static site of <c>backprop site</c>: the engine in a Web Worker.</summary>
public sealed class StaticSiteClassPageTests(StaticSiteFixture fixture) : ClassPageTests(fixture), IClassFixture<StaticSiteFixture>;
