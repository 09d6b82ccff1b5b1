using System.Globalization;
using Microsoft.Playwright;

namespace Backprop.Serve.Tests;

/// <summary>One 1280×720 tab on a page under test, with the problems collected while it is open.</summary>
public sealed record Tab(IPage Page, List<string> Problems) : IAsyncDisposable
{
    public ILocator Id(string testId) => Page.GetByTestId(testId);

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();

    /// <summary>
    /// A fresh tab on <paramref name="address"/> of the site at <paramref name="site"/>, once its body says ready.
    /// Every console error, page error, failed request and request outside the site is collected, and a request
    /// for anything outside 127.0.0.1 is refused before it leaves the browser (the page's workers included).
    /// </summary>
    public static async Task<Tab> Open(IBrowser browser, Uri site, Uri address, PageWaitForSelectorOptions? ready = null)
    {
        var context = await NewContext(browser);
        var problems = new List<string>();
        await context.RouteAsync("**/*", route =>
        {
            var target = new Uri(route.Request.Url);
            if (target.Scheme is "http" or "https" && target.Host != "127.0.0.1")
            {
                lock (problems) problems.Add("other host: " + route.Request.Url);
                return route.AbortAsync();
            }
            return route.ContinueAsync();
        });
        var page = await context.NewPageAsync();
        page.Console += (_, m) => { if (m.Type == "error") lock (problems) problems.Add("console: " + m.Text); };
        page.PageError += (_, e) => { lock (problems) problems.Add("page error: " + e); };
        page.RequestFailed += (_, r) => { lock (problems) problems.Add($"failed: {r.Method} {r.Url} {r.Failure}"); };
        page.Request += (_, r) => { if (!r.Url.StartsWith(site.ToString(), StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal) && !r.Url.StartsWith("blob:", StringComparison.Ordinal)) lock (problems) problems.Add("other host: " + r.Url); };
        await page.GotoAsync(address.ToString());
        await page.WaitForSelectorAsync("body[data-ready=true]", ready);
        return new Tab(page, problems);
    }

    /// <summary>A browser context of the tests' window size, 1280×720.</summary>
    public static Task<IBrowserContext> NewContext(IBrowser browser) =>
        browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 720 } });

    /// <summary>A number the page wrote (data-value, data-grad: round-trip text).</summary>
    public static double Number(string? text) => double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The number in an attribute of <paramref name="l"/>.</summary>
    public static async Task<double> Attr(ILocator l, string name) => Number(await l.GetAttributeAsync(name));
}
