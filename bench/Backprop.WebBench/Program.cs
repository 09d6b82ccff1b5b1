using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Backprop.Data;
using Backprop.Model;
using Backprop.Testing;
using Backprop.Training;
using Backprop.WebBench;
using Microsoft.Playwright;

// The static site (`backprop site`), measured against the targets of docs/web.md: the site served from a folder
// on 127.0.0.1, the page in headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM) through Playwright.
//   1. what the page downloads, gzip-compressed (-9), file by file as the browser asked for them;
//   2. navigation to the first loss on screen (a MutationObserver on the loss, installed before the page's scripts);
//   3. spirals with the page's defaults (2-64-64-2 relu, cross-entropy; Adam 0.01, batch 32): time to 95 %
//      training accuracy, and the examples/s of the training engine in the worker against the library natively;
//   4. main-thread tasks over 50 ms (PerformanceObserver 'longtask') while it trains, and after the run;
//   5. while it trains, a step press and an edit to the answer on screen (WEBBENCH_PROFILE=file.cpuprofile: the first run's CPU profile;
//      WEBBENCH_TRACE=file.json: a Chrome trace of the first run from its start to the last edit, every thread, for Perfetto);
//   6. training examples/s side by side (Speed.cs): ours in the site's worker, TensorFlow.js's backends in the same
//      Chromium, the library natively; 2-8-2, 2-16-16-2, 2-64-64-2 on the same spirals data.
//   7. the article pages: navigation to ready (the figures in view drawn), and on article 3 a study's change to its figure redrawn.
//   dotnet run -c Release --project bench/Backprop.WebBench [-- --runs 3] [--epochs 300] [--speed]
// TensorFlow.js is the benchmark's alone (CI never needs it): `npm ci --prefix bench/Backprop.WebBench/tfjs`;
// without it, table 6 leaves its columns empty and says so.
int runs = 3, epochs = 300;
bool speedOnly = false, pageOnly = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int r) && r > 0: runs = r; i++; break;
        case "--epochs" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int e) && e > 0: epochs = e; i++; break;
        case "--speed": speedOnly = true; break;
        case "--page": pageOnly = true; break;
        default:
            Console.WriteLine("""
                usage: dotnet run -c Release --project bench/Backprop.WebBench [-- --runs N] [--epochs N] [--speed | --page]
                  --runs N    runs of each measure, the median reported (3)
                  --epochs N  epochs of each training run in the speed table (300)
                  --speed     only the side-by-side training speed table (ours in the browser, TensorFlow.js, native)
                  --page      only the page's table (without the speed table)
                TensorFlow.js for the speed table (pinned, from the npm registry, offline at run time):
                  npm ci --prefix bench/Backprop.WebBench/tfjs
                """);
            return args[i] is "--help" or "-h" ? 0 : 2;
    }
}
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string site = Directory.CreateTempSubdirectory("backprop-webbench-").FullName;
Backprop.Cli.Site.StaticSite.Write(site);
bool withTfjs = Speed.Install(site);
using var folder = new StaticServer(site);
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium",
    Headless = true,
    // No GPU here: WebGL (TensorFlow.js's webgl backend) runs on SwiftShader, which Chromium wants asked for.
    Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--enable-unsafe-swiftshader"],
});
Console.WriteLine($"# backprop site, measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine();
Console.WriteLine($"Load average at the start: {Load()} on {Environment.ProcessorCount} cores; Chromium {browser.Version} headless; .NET {Environment.Version}; {runs} runs each.");
Console.WriteLine();

const string Probe = """
    window.__bench = { loss: null, long: [] };
    new MutationObserver(() => {
      const l = document.querySelector('[data-testid=loss]');
      if (l && l.dataset.value && window.__bench.loss === null) window.__bench.loss = performance.now();
    }).observe(document, { subtree: true, childList: true, attributes: true });
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__bench.long.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
    // Long animation frames, for attribution (WEBBENCH_PROFILE): script, forced layout, and the frame's own style, layout and paint.
    window.__bench.frames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__bench.frames.push({
        start: Math.round(e.startTime), duration: Math.round(e.duration),
        render: Math.round(e.startTime + e.duration - (e.renderStart || e.startTime + e.duration)),
        styleLayout: Math.round(e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0),
        scripts: e.scripts.map((x) => `${x.invoker} ${Math.round(x.duration)} ms (forced layout ${Math.round(x.forcedStyleAndLayoutDuration)})`),
      });
    }).observe({ type: 'long-animation-frame', buffered: true });
    """;

async Task<IPage> Open(string query, List<string>? requested = null)
{
    var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 720 } });
    await context.AddInitScriptAsync(Probe);
    var page = await context.NewPageAsync();
    if (requested is not null) page.Request += (_, q) => requested.Add(q.Url);
    await page.GotoAsync(new Uri(folder.Url, query).ToString());
    await page.WaitForSelectorAsync("body[data-ready=true]", new() { Timeout = 60_000 });
    return page;
}

if (speedOnly)
{
    await SpeedTable();
    Directory.Delete(site, recursive: true);
    return 0;
}

// 1 and 2: a fresh context each time (nothing cached).
var sizes = new List<long>();
var toNumbers = new List<double>();
for (int i = 0; i < runs; i++)
{
    var requested = new List<string>();
    var page = await Open("?example=article1", requested);
    toNumbers.Add(await page.EvaluateAsync<double>("() => window.__bench.loss"));
    long gz = 0;
    foreach (string url in requested.Distinct())
    {
        string relative = new Uri(url).AbsolutePath.TrimStart('/');
        string path = Path.Combine(site, relative.Length == 0 ? "index.html" : relative);
        if (!File.Exists(path)) continue;
        using var sink = new MemoryStream();
        using (var gzip = new GZipStream(sink, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(File.ReadAllBytes(path));
        gz += sink.Length;
    }
    sizes.Add(gz);
    await page.Context.CloseAsync();
}

// 3, 4 and 5: spirals with the page's defaults, stopping at epoch 300; while it trains, step presses and edits.
var to95 = new List<double>();
var inBrowser = new List<double>();
var longTasks = new List<string>();
var endTasks = new List<string>();
var stepMs = new List<double>();
var editMs = new List<double>();
string? trace = Environment.GetEnvironmentVariable("WEBBENCH_PROFILE"); // a CPU profile of the first run's main thread, for attribution
ICDPSession? profiler = null;
for (int i = 0; i < runs; i++)
{
    var page = await Open("?example=spirals&view=train");
    await page.GetByTestId("example").SelectOptionAsync("spirals");
    await page.Locator("#shape").Filter(new() { HasText = "spirals" }).WaitForAsync();
    await page.Locator("#epochs").FillAsync("300");
    if (trace is not null && i == 0)
    {
        profiler = await page.Context.NewCDPSessionAsync(page);
        await profiler.SendAsync("Profiler.enable");
        await profiler.SendAsync("Profiler.setSamplingInterval", new() { ["interval"] = 500 });
        await profiler.SendAsync("Profiler.start");
    }
    string? tracePath = i == 0 ? Environment.GetEnvironmentVariable("WEBBENCH_TRACE") : null;
    (ICDPSession Session, Task<string> Stream)? tracing = tracePath is null ? null : await StartTrace(page);
    double start = await page.EvaluateAsync<double>("() => performance.now()");
    var clock = Stopwatch.StartNew();
    await page.GetByTestId("train-start").ClickAsync();
    await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=train-accuracy]').dataset.value) >= 0.95", null,
        new PageWaitForFunctionOptions { Timeout = 120_000, PollingInterval = 50 });
    to95.Add(clock.Elapsed.TotalSeconds);
    // While it goes on training: the Walk view, step presses, then edits of w¹₁₁ (each answered by a new loss).
    bool stillTraining = !await page.GetByTestId("train-stop").IsDisabledAsync();
    await page.Locator("nav.views [data-view=walk]").ClickAsync();
    for (int k = 0; k < 4; k++)
        stepMs.Add(await Answered(page, () => page.GetByTestId("step-next").ClickAsync(), "[data-testid=step-label]", null));
    for (int k = 0; k < 3; k++)
    {
        await page.Locator("#weights [data-weight='1-1-1']").ClickAsync();
        await page.GetByTestId("edit-value").FillAsync((0.5 + 0.1 * k).ToString(CultureInfo.InvariantCulture));
        editMs.Add(await Answered(page, () => page.GetByTestId("edit-value").PressAsync("Enter"), "[data-testid=loss]", "data-value"));
    }
    if (tracing is { } t) await SaveTrace(t.Session, t.Stream, tracePath!);
    if (!stillTraining || await page.GetByTestId("train-stop").IsDisabledAsync())
        Console.WriteLine($"(run {i + 1}: training ended before the presses were all made: they are not all 'while training')");
    await page.Locator("nav.views [data-view=train]").ClickAsync();
    double end = await page.EvaluateAsync<double>("() => performance.now()");
    await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=train-stop]').disabled", null,
        new PageWaitForFunctionOptions { Timeout = 300_000, PollingInterval = 200 });
    await page.WaitForTimeoutAsync(1000); // the render of the trained state after the run
    if (trace is not null && i == 0)
        foreach (string f in await page.EvaluateAsync<string[]>("(t0) => window.__bench.frames.filter(f => f.start >= t0).map(f => `(frame at ${f.start} ms: ${f.duration} ms, render ${f.render}, style and layout ${f.styleLayout}; ${f.scripts.join('; ')})`)", start))
            Console.WriteLine(f);
    if (profiler is not null && i == 0)
    {
        var profile = await profiler.SendAsync("Profiler.stop");
        await File.WriteAllTextAsync(trace!, profile?.GetProperty("profile").GetRawText());
    }
    string speed = await page.Locator("#speed").InnerTextAsync();
    inBrowser.Add(double.Parse(new string([.. speed.TakeWhile(c => char.IsDigit(c) || c == ',')]).Replace(",", ""), CultureInfo.InvariantCulture));
    var tasks = await page.EvaluateAsync<double[][]>("(t0) => window.__bench.long.filter(e => e[0] >= t0)", start);
    longTasks.Add(Describe([.. tasks.Where(t => t[0] < end)]));
    endTasks.Add(Describe([.. tasks.Where(t => t[0] >= end)]));
    await page.Context.CloseAsync();
}

static string Describe(double[][] tasks) => tasks.Length == 0 ? "none" : $"{tasks.Length} (longest {tasks.Max(t => t[1]):F0} ms)";

// A Chrome trace (every thread of the page and its worker, with wall and CPU time), streamed back when it ends.
static async Task<(ICDPSession Session, Task<string> Stream)> StartTrace(IPage page)
{
    var session = await page.Context.NewCDPSessionAsync(page);
    var stream = new TaskCompletionSource<string>();
    session.Event("Tracing.tracingComplete").OnEvent += (_, e) => stream.TrySetResult(e!.Value.GetProperty("stream").GetString()!);
    await session.SendAsync("Tracing.start", new()
    {
        ["categories"] = "devtools.timeline,disabled-by-default-devtools.timeline,toplevel,v8.execute,blink.user_timing",
        ["transferMode"] = "ReturnAsStream",
    });
    return (session, stream.Task);
}

static async Task SaveTrace(ICDPSession session, Task<string> stream, string path)
{
    await session.SendAsync("Tracing.end");
    string handle = await stream;
    var json = new System.Text.StringBuilder();
    for (bool eof = false; !eof;)
    {
        var chunk = (await session.SendAsync("IO.read", new() { ["handle"] = handle, ["size"] = 1 << 20 }))!.Value;
        json.Append(chunk.GetProperty("data").GetString());
        eof = chunk.GetProperty("eof").GetBoolean();
    }
    await File.WriteAllTextAsync(path, json.ToString());
}

// From the press (the input event's time stamp) to the frame after the watched element changed: the answer on screen.
static async Task<double> Answered(IPage page, Func<Task> press, string watched, string? attribute)
{
    await page.EvaluateAsync("""
        ([sel, attr]) => {
          const el = document.querySelector(sel);
          const before = attr ? el.getAttribute(attr) : el.textContent;
          window.__answer = new Promise((resolve) => {
            let pressed = null;
            const stamp = (e) => { if (pressed === null) pressed = e.timeStamp; };
            for (const type of ['mousedown', 'keydown']) document.addEventListener(type, stamp, { capture: true, once: true });
            const seen = new MutationObserver(() => {
              if ((attr ? el.getAttribute(attr) : el.textContent) === before) return;
              seen.disconnect();
              requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - pressed)));
            });
            seen.observe(el, { attributes: true, childList: true, characterData: true, subtree: true });
          });
        }
        """, new object?[] { watched, attribute });
    await press();
    return await page.EvaluateAsync<double>("() => window.__answer");
}

// 7. The article pages: navigation to ready (the figures in view drawn), and on article 3 a change of each study's
// depth to its figure redrawn (the figure's data-settings changing), in a fresh context each run.
var articleReady = new Dictionary<string, List<double>>();
var studyMs = new Dictionary<string, List<double>>();
for (int i = 0; i < runs; i++)
{
    foreach (string article in new[] { "article-1", "article-2", "article-3" })
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 720 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(folder.Url, $"articles/{article}.html").ToString());
        await page.WaitForSelectorAsync("body[data-ready=true]", new() { Timeout = 120_000, State = WaitForSelectorState.Attached });
        double ready = await page.EvaluateAsync<double>("() => performance.now()");
        Record(articleReady, article, ready);
        if (article == "article-1")
            // An edit of w¹₁₁ (click, value, Enter) to the new loss on the page, timed in the page.
            Record(studyMs, "article-1: an edit of w¹₁₁ to the new loss shown", await page.EvaluateAsync<double>("""
                    async () => {
                      const loss = document.querySelector('[data-testid=loss]'), before = loss.dataset.value;
                      const t0 = performance.now();
                      document.querySelector('[data-testid=w-1-1-1]').click();
                      const input = document.querySelector('[data-testid=edit-value]');
                      input.value = '0.3';
                      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
                      while (loss.dataset.value === before) await new Promise((r) => setTimeout(r, 2));
                      return performance.now() - t0;
                    }
                    """));
        if (article == "article-2")
            // A click on w¹₁₁ to its paths and their total listed.
            Record(studyMs, "article-2: a click on a weight to its paths listed", await page.EvaluateAsync<double>("""
                    async () => {
                      // The last weight of the network shown (the page opens on the first one).
                      const weights = [...document.querySelectorAll('#weights [data-testid^=w-]')];
                      const last = weights[weights.length - 1], [, L, i, j] = last.dataset.testid.split('-');
                      const t0 = performance.now();
                      last.click();
                      while (!document.querySelector(`[data-testid=path-total][data-weight="${L}:${i}:${j}"]`)) await new Promise((r) => setTimeout(r, 2));
                      return performance.now() - t0;
                    }
                    """));
        if (article == "article-3")
        {
            foreach (var (name, input, watched) in new[] { ("vanishing gradients (depth 10 → 6)", "#depth", "grad-norms"), ("Xavier/He (depth 10 → 6)", "#init-depth", "init-variances"), ("loss scaling (depth 12 → 6)", "#ls-depth", "underflow") })
            {
                await page.Locator(input).ScrollIntoViewIfNeededAsync();
                string before = await page.Locator($"[data-testid={watched}]").GetAttributeAsync("data-settings", new() { Timeout = 120_000 }) ?? "";
                await page.WaitForFunctionAsync("([id, b]) => (document.querySelector(`[data-testid=${id}]`)?.dataset.settings ?? '') !== '' ", new object[] { watched, before }, new() { Timeout = 120_000 });
                await page.WaitForTimeoutAsync(2500); // anything still queued in the one worker (a figure that just came near) done first
                before = await page.Locator($"[data-testid={watched}]").GetAttributeAsync("data-settings") ?? "";
                // Timed in the page: the value set, input and change dispatched as a reader's edit does, to the figure redrawn.
                double ms = await page.EvaluateAsync<double>("""
                    async ([input, id, before]) => {
                      const el = document.querySelector(input), figure = document.querySelector(`[data-testid=${id}]`);
                      const t0 = performance.now();
                      el.value = '6';
                      el.dispatchEvent(new Event('input'));
                      el.dispatchEvent(new Event('change'));
                      while (figure.dataset.settings === before) await new Promise((r) => setTimeout(r, 2));
                      return performance.now() - t0;
                    }
                    """, new object[] { input, watched, before });
                Record(studyMs, name, ms);
            }
        }
        await context.CloseAsync();
    }
}

// One more time measured for a row of the table.
static void Record(Dictionary<string, List<double>> rows, string row, double ms)
{
    if (!rows.TryGetValue(row, out var times)) rows[row] = times = [];
    times.Add(ms);
}

// The library natively, the same network, data and settings (the count of the same EpochReport).
var native = new List<double>();
for (int i = 0; i < runs; i++)
{
    var (train, test) = DataSources.Load("spirals", 1);
    var spec = NetworkSpec.Mlp([train.FeatureCount, 64, 64, train.OutputCount], "relu", "cross_entropy", seed: 1);
    var trainer = new Trainer<float>(spec.Build<float>(), Optimizer<float>.Create("adam", 0.01, 0, 0), 32, 1);
    double samples = 0, seconds = 0;
    for (int e = 0; e < 300; e++)
    {
        var report = trainer.TrainEpoch(train, test);
        samples += report.Samples;
        seconds += report.Seconds;
    }
    native.Add(samples / seconds);
}

static double Median(List<double> v) => Speed.Median(v);
Console.WriteLine("| measure | figure | target | met |");
Console.WriteLine("|---|---|---|---|");
Console.WriteLine($"| everything the page downloads (article1), gzip -9 | {Median([.. sizes.Select(s => (double)s)]) / 1e6:F2} MB | ≤ 3 MB | {(sizes.Max() <= 3_000_000 ? "yes" : "no")} |");
Console.WriteLine($"| navigation to the loss on screen (article1, nothing cached) | median {Median(toNumbers):F0} ms ({string.Join(", ", toNumbers.Select(t => t.ToString("F0")))}) | ≤ 2000 ms | {(Median(toNumbers) <= 2000 ? "yes" : "no")} |");
Console.WriteLine($"| spirals (page defaults): start to 95 % training accuracy | median {Median(to95):F1} s ({string.Join(", ", to95.Select(t => t.ToString("F1")))}) | ≤ 15 s | {(Median(to95) <= 15 ? "yes" : "no")} |");
Console.WriteLine($"| main-thread tasks over 50 ms while spirals trains (presses and edits included) | {string.Join("; ", longTasks)} | none | {(longTasks.All(t => t == "none") ? "yes" : "no")} |");
Console.WriteLine($"| … from the last press to 1 s after the run's end (the trained state rendered) | {string.Join("; ", endTasks)} | none | {(endTasks.All(t => t == "none") ? "yes" : "no")} |");
Console.WriteLine($"| step press to the new step on screen, while training | median {Median(stepMs):F0} ms, longest {stepMs.Max():F0} ms ({stepMs.Count}) | < 100 ms | {(stepMs.Max() < 100 ? "yes" : "no")} |");
Console.WriteLine($"| edit (Enter) to the new loss on screen, while training | median {Median(editMs):F0} ms, longest {editMs.Max():F0} ms ({editMs.Count}) | < 100 ms | {(editMs.Max() < 100 ? "yes" : "no")} |");
Console.WriteLine($"| training examples/s in the worker (the trainer's own count, last snapshot) | median {Median(inBrowser):F0} | |  |");
Console.WriteLine($"| … natively, the library in this process (300 epochs) | median {Median(native):F0} ({Median(native) / Median(inBrowser):F1}× the browser) | |  |");
foreach (var (article, times) in articleReady)
    Console.WriteLine($"| {article}: navigation to ready (the figures in view drawn) | median {Median(times):F0} ms ({string.Join(", ", times.Select(t => t.ToString("F0")))}) | ≤ 2000 ms | {(Median(times) <= 2000 ? "yes" : "no")} |");
foreach (var (what, times) in studyMs)
{
    // A study's target is 500 ms; a change of the walk or a click on a weight, 100 ms.
    bool study = !what.StartsWith("article-", StringComparison.Ordinal);
    int target = study ? 500 : 100;
    Console.WriteLine($"| {(study ? $"article-3: {what}, change to the figure redrawn" : what)} | median {Median(times):F0} ms ({string.Join(", ", times.Select(t => t.ToString("F0")))}) | ≤ {target} ms | {(Median(times) <= target ? "yes" : "no")} |");
}
Console.WriteLine();
if (!pageOnly) await SpeedTable();
Directory.Delete(site, recursive: true);
return 0;

async Task SpeedTable()
{
    if (!withTfjs) Console.WriteLine("TensorFlow.js is not installed (npm ci --prefix bench/Backprop.WebBench/tfjs): its columns are skipped.\n");
    foreach (string line in await Speed.Measure(browser, folder.Url, withTfjs, runs, epochs)) Console.WriteLine(line);
    Console.WriteLine();
    Console.WriteLine($"Load average at the end: {Load()}.");
}

static string Load() => File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
