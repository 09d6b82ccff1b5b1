using System.Globalization;
using Microsoft.Playwright;

namespace Backprop.Serve.Tests;

/// <summary>
/// The page in a real browser, through its test hooks (data-testid): the numbers it shows are the engine's,
/// exactly; stepping, editing, inspecting, training and uploads work; nothing breaks the CSP or leaves
/// 127.0.0.1. Every test runs on both transports (<see cref="ServeBrowserTests"/>, <see cref="StaticSiteBrowserTests"/>).
/// </summary>
public abstract class BrowserTests(IPageHost fixture)
{
    /// <summary>A fresh tab on the page (see <see cref="Tab.Open"/>), at <paramref name="at"/> or the fixture's site.</summary>
    protected Task<Tab> Open(string query = "", Uri? at = null)
    {
        var url = at ?? fixture.Url;
        return Tab.Open(fixture.Browser, url, new Uri(url, query));
    }

    protected static double Number(string? text) => Tab.Number(text);

    protected static Task<double> Attr(ILocator l, string name) => Tab.Attr(l, name);

    /// <summary>The loss, and every weight's value and gradient (w-L-i-j), equal the reference's; answers how many weights.</summary>
    private protected static async Task<int> AssertEqualsReference(Tab tab, Reference.Grad reference)
    {
        Assert.Equal(reference.Loss, await Attr(tab.Id("loss"), "data-value"));
        int count = 0;
        for (int k = 0; k < reference.WeightGrads.Length; k++)
            for (int i = 0; i < reference.WeightGrads[k].Length; i++)
                for (int j = 0; j < reference.WeightGrads[k][i].Length; j++)
                {
                    var w = tab.Id($"w-{k + 1}-{i + 1}-{j + 1}");
                    Assert.Equal(reference.Weights[k][i][j], await Attr(w, "data-value"));
                    Assert.Equal(reference.WeightGrads[k][i][j], await Attr(w, "data-grad"));
                    count++;
                }
        return count;
    }

    protected Task<byte[]> Shot(Tab tab, string name) =>
        tab.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumFixture.Screenshots, fixture.ShotPrefix + name + ".png"), FullPage = false });

    [Fact]
    public async Task Article1_loss_and_every_weight_gradient_equal_grad()
    {
        await using var tab = await Open("?example=article1");
        int count = await AssertEqualsReference(tab, Reference.Of("article1"));
        Assert.Equal(9, count); // 2·3 + 3·1 weights
        await Shot(tab, "walk");
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task Editing_w111_gives_the_loss_and_gradients_of_grad_on_the_edited_network()
    {
        await using var tab = await Open("?example=article1&view=edit");
        string before = (await tab.Id("loss").GetAttributeAsync("data-value"))!;
        await tab.Id("w-1-1-1").ClickAsync();
        var input = tab.Id("edit-value");
        await input.FillAsync("0.3");
        await input.PressAsync("Enter");
        await Assertions.Expect(tab.Id("loss")).Not.ToHaveAttributeAsync("data-value", before);

        var reference = Reference.Of("article1", spec => HttpTests.WithWeight(spec, 0, 0, 0, 0.3));
        Assert.Equal(0.3, await Attr(tab.Id("w-1-1-1"), "data-value"));
        await AssertEqualsReference(tab, reference);
        await Shot(tab, "edit");
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task Path_sum_of_a_weight_adds_up_to_the_matrix_gradient_beside_it()
    {
        await using var tab = await Open("?example=article1&view=inspect");
        await tab.Id("w-1-1-1").HoverAsync();
        await Assertions.Expect(tab.Id("paths-total")).ToHaveCountAsync(1);
        var products = tab.Id("path-product");
        int n = await products.CountAsync();
        Assert.Equal(2, n); // one path per example: x₁ · σ'(l¹₁) · w²₁₁ · δ₁
        double sum = 0;
        for (int p = 0; p < n; p++) sum += await Attr(products.Nth(p), "data-value");
        double matrix = await Attr(tab.Id("paths-matrix"), "data-value");
        Assert.Equal(await Attr(tab.Id("w-1-1-1"), "data-grad"), matrix);
        Assert.Equal(matrix, sum, 1e-15);
        Assert.Equal(matrix, await Attr(tab.Id("paths-total"), "data-value"), 1e-15);
        await tab.Page.Locator("#inspect-panel").ScrollIntoViewIfNeededAsync();
        await Shot(tab, "inspect");
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task Every_next_changes_the_step_previous_goes_back_reset_returns_to_the_first()
    {
        await using var tab = await Open("?example=article1");
        var label = tab.Id("step-label");
        var labels = new List<string> { await label.InnerTextAsync() };
        for (int i = 0; i < 40; i++)
        {
            await tab.Id("step-next").ClickAsync();
            string now = await label.InnerTextAsync();
            if (now == labels[^1]) break; // the last step
            labels.Add(now);
        }
        Assert.True(labels.Distinct().Count() >= 13, $"only {labels.Distinct().Count()} distinct steps");
        Assert.Equal(labels.Count, labels.Distinct().Count());
        await Shot(tab, "walk-backward");
        await tab.Id("step-prev").ClickAsync();
        Assert.Equal(labels[^2], await label.InnerTextAsync());
        await tab.Id("step-reset").ClickAsync();
        Assert.Equal(labels[0], await label.InnerTextAsync());
        // The keys do the same: → next, ← previous, Home first.
        await tab.Page.Keyboard.PressAsync("ArrowRight");
        Assert.Equal(labels[1], await label.InnerTextAsync());
        await tab.Page.Keyboard.PressAsync("ArrowRight");
        await tab.Page.Keyboard.PressAsync("ArrowLeft");
        Assert.Equal(labels[1], await label.InnerTextAsync());
        await tab.Page.Keyboard.PressAsync("Home");
        Assert.Equal(labels[0], await label.InnerTextAsync());
        // The step is in the URL: a link opens on it.
        await tab.Id("step-next").ClickAsync();
        await tab.Id("step-next").ClickAsync();
        await using var shared = await Open(new Uri(tab.Page.Url).Query);
        Assert.Equal(labels[2], await shared.Id("step-label").InnerTextAsync());
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task Spirals_train_in_the_page_to_95_percent_within_30_seconds()
    {
        await using var tab = await Open("?view=train");
        await tab.Id("example").SelectOptionAsync("spirals");
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("spirals");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await tab.Id("train-start").ClickAsync();
        await tab.Page.WaitForFunctionAsync(
            "() => Number(document.querySelector('[data-testid=train-accuracy]').dataset.value) >= 0.95",
            null, new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 100 });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
        Assert.True(await Attr(tab.Id("train-epoch"), "data-value") >= 1);
        Assert.True(await Attr(tab.Id("train-loss"), "data-value") > 0);
        // Away from the Train view the run leaves its charts out (train/charts); back in it, they go on live.
        await tab.Page.Locator("nav.views [data-view=walk]").ClickAsync();
        await tab.Page.WaitForTimeoutAsync(300);
        await tab.Page.Locator("nav.views [data-view=train]").ClickAsync();
        double back = await Attr(tab.Id("train-epoch"), "data-value");
        await tab.Page.WaitForFunctionAsync($"() => Number(document.querySelector('[data-testid=train-weights]').dataset.epoch) > {back}");
        await tab.Id("train-stop").ClickAsync(); // the run goes on until paused
        await Assertions.Expect(tab.Id("train-start")).ToBeEnabledAsync(new() { Timeout = 60_000 });
        // The weights drawn live: one line per weight of 2-64-64-2, from the last snapshot.
        Assert.Equal(2 * 64 + 64 * 64 + 64 * 2, await Attr(tab.Id("train-weights"), "data-weights"));
        Assert.Equal(await Attr(tab.Id("train-epoch"), "data-value"), await Attr(tab.Id("train-weights"), "data-epoch"));
        await Shot(tab, "train");
        Assert.Empty(tab.Problems);
    }

    [Fact]
    public async Task A_bad_csv_upload_shows_its_error_and_the_page_keeps_working()
    {
        await using var tab = await Open("?example=article1");
        byte[] bad = "x,y,label\n0.1,0.2,0\n0.3,oops,1\n"u8.ToArray();
        await tab.Id("upload").SetInputFilesAsync(new FilePayload { Name = "bad.csv", MimeType = "text/csv", Buffer = bad });
        await Assertions.Expect(tab.Id("error")).ToContainTextAsync("bad.csv");
        await Assertions.Expect(tab.Id("error")).ToContainTextAsync("line 3");
        // The same line as the command line's for the same file (its folder aside): the same reader made it.
        string folder = Directory.CreateTempSubdirectory("backprop-upload-").FullName;
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, "bad.csv"), bad);
            var cli = await BuiltCli.Run(TimeSpan.FromMinutes(2), "train", "--data", Path.Combine(folder, "bad.csv"), "--out", Path.Combine(folder, "net.json"));
            Assert.Equal(1, cli.Code);
            string line = cli.Err.Trim().Replace("backprop: error: ", "", StringComparison.Ordinal).Replace(folder + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
            await Assertions.Expect(tab.Id("error")).ToHaveTextAsync(line);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        string label = await tab.Id("step-label").InnerTextAsync();
        await tab.Id("step-next").ClickAsync();
        Assert.NotEqual(label, await tab.Id("step-label").InnerTextAsync());
        // A good upload then works and clears the error.
        await tab.Id("upload").SetInputFilesAsync(new FilePayload { Name = "good.csv", MimeType = "text/csv", Buffer = "x,y,label\n0.1,0.2,0\n0.3,0.4,1\n0.5,0.1,0\n0.9,0.8,1\n0.2,0.7,1\n"u8.ToArray() });
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("good.csv");
        await Assertions.Expect(tab.Id("error")).ToBeEmptyAsync();
        Assert.DoesNotContain(tab.Problems, p => !p.Contains("400", StringComparison.Ordinal)); // the refused upload's 400 is the only complaint
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // fewer characters than the limit, more bytes in UTF-8: bytes are what count
    public async Task An_oversized_upload_is_refused_before_it_is_read_and_the_page_keeps_working(bool multibyte)
    {
        await using var tab = await Open("?example=article1");
        byte[] big;
        if (multibyte)
        {
            big = System.Text.Encoding.UTF8.GetBytes(new string('é', (int)(Playground.Limits.MaxUploadBytes / 2) + 1));
        }
        else
        {
            big = new byte[Playground.Limits.MaxUploadBytes + 1];
            Array.Fill(big, (byte)'1');
        }
        await tab.Id("upload").SetInputFilesAsync(new FilePayload { Name = "huge.csv", MimeType = "text/csv", Buffer = big });
        await Assertions.Expect(tab.Id("error")).ToContainTextAsync($"over the limit of {Playground.Limits.MaxUploadBytes} bytes");
        await Assertions.Expect(tab.Page.Locator("#shape")).ToContainTextAsync("article1");
        string label = await tab.Id("step-label").InnerTextAsync();
        await tab.Id("step-next").ClickAsync();
        Assert.NotEqual(label, await tab.Id("step-label").InnerTextAsync());
        Assert.DoesNotContain(tab.Problems, p => !p.Contains("413", StringComparison.Ordinal)); // the server's refusal is the only complaint
    }

    [Fact]
    public async Task The_downloads_give_the_network_file_and_the_report_of_the_current_state()
    {
        await using var tab = await Open("?example=article1");
        foreach (var (link, expected) in new[] { ("#dl-network", "\"format\": \"backprop.network/1\""), ("#dl-report", "<html") })
        {
            var download = await tab.Page.RunAndWaitForDownloadAsync(() => tab.Page.Locator(link).ClickAsync());
            string text = await File.ReadAllTextAsync(await download.PathAsync());
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
        Assert.Empty(tab.Problems);
    }
}
