using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Backprop.IO;
using Backprop.Model;
using Microsoft.Playwright;

namespace Backprop.ServeBench;

/// <summary>
/// Editing w¹₁₁ of an 8-32-16-8 tanh network (896 weights, 952 with the biases) on a batch of 64 rows: the
/// request alone, and in the page from Enter in the editor to the next animation frame after the loss changed.
/// </summary>
internal static class EditLatency
{
    private static readonly int[] Sizes = [8, 32, 16, 8];
    private const int Batch = 64;
    private static readonly string Shape = string.Join('-', Sizes);
    private static readonly string What = $"{Shape} tanh, {Weights} weights, batch {Batch}";

    private static int Weights => Sizes.Zip(Sizes.Skip(1), (a, b) => a * b).Sum();

    /// <summary>The network file (every weight written out) and its batch as CSV, the same on every run.</summary>
    private static (string Network, string Inputs, string Targets) Problem()
    {
        var spec = NetworkSpec.Mlp(Sizes, "tanh", "mse", seed: 1);
        string network = NetworkJson.Write(NetworkSpec.From(spec.Build<double>(), 1));
        var random = new Random(1);
        string Csv(int columns)
        {
            var sb = new StringBuilder();
            for (int r = 0; r < Batch; r++)
                sb.AppendJoin(',', Enumerable.Range(0, columns).Select(_ => (random.NextDouble() * 2 - 1).ToString("R", CultureInfo.InvariantCulture))).Append('\n');
            return sb.ToString();
        }
        return (network, Csv(Sizes[0]), Csv(Sizes[^1]));
    }

    /// <summary>The value of edit number <paramref name="k"/>: each differs from the last, so the loss changes every time.</summary>
    private static double Value(int k) => (k % 2 == 0 ? 1 : -1) * (0.1 + 0.001 * k);

    /// <summary>POST /api/s/{id}/edit from HttpClient, from sending it to having read the whole new state.</summary>
    public static async Task<IEnumerable<Row>> ServerOnlyAsync(Bench bench, BenchOptions options)
    {
        using var http = new HttpClient { BaseAddress = bench.Url };
        using var session = await http.PostAsync("api/sessions", null);
        string id = (await session.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var (network, inputs, targets) = Problem();
        using var upload = await http.PostAsJsonAsync($"api/s/{id}/network", new { network, inputs, targets });
        upload.EnsureSuccessStatusCode();
        var times = new List<double>();
        long bytes = 0;
        for (int k = 0; k < options.Warmup + options.Edits; k++)
        {
            using var body = JsonContent.Create(new { target = "W", layer = 1, row = 1, col = 1, value = Value(k) });
            var clock = Stopwatch.StartNew();
            using var response = await http.PostAsync($"api/s/{id}/edit", body);
            byte[] state = await response.Content.ReadAsByteArrayAsync();
            clock.Stop();
            response.EnsureSuccessStatusCode();
            bytes = state.Length;
            if (k >= options.Warmup) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return [new Row($"edit request alone ({What}; HttpClient, sent to {bytes / 1024.0:0} kB answer read; {options.Edits} edits)", Stats.Ms(times))];
    }

    // Once per page: the time of the Enter that sets a value (capture phase, before the page's own handler).
    private const string Setup = """
        () => document.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' && e.target?.dataset?.testid === 'edit-value') window.__enter = performance.now();
        }, true)
        """;

    // Before each Enter: a promise of [Enter, fetch start, fetch end, loss data-value set, next frame, after its paint].
    private const string Arm = """
        () => {
          const loss = document.querySelector('[data-testid=loss]');
          const before = loss.dataset.value;
          performance.clearResourceTimings();
          window.__edit = new Promise((resolve, reject) => {
            const observer = new MutationObserver(() => {
              if (loss.dataset.value === before) return;
              const changed = performance.now();
              observer.disconnect();
              clearTimeout(timer);
              requestAnimationFrame(() => {
                const frame = performance.now();
                const channel = new MessageChannel(); // a task after this frame's style, layout and paint
                channel.port1.onmessage = () => {
                  const painted = performance.now();
                  const r = performance.getEntriesByType('resource').filter((e) => e.name.includes('/edit')).at(-1);
                  resolve([window.__enter, r ? r.startTime : NaN, r ? r.responseEnd : NaN, changed, frame, painted]);
                };
                channel.port2.postMessage(0);
              });
            });
            const timer = setTimeout(() => { observer.disconnect(); reject(new Error('the loss did not change within 10 s')); }, 10000);
            observer.observe(loss, { attributes: true, attributeFilter: ['data-value'] });
          });
        }
        """;

    /// <summary>The page's own path: upload the network and batch, then click w-1-1-1, type a value, press Enter.</summary>
    public static async Task<IEnumerable<Row>> InPageAsync(Bench bench, BenchOptions options)
    {
        var page = await bench.OpenAsync("?view=edit");
        try
        {
            var (network, inputs, targets) = Problem();
            await page.GetByTestId("upload-network").SetInputFilesAsync(new FilePayload { Name = "net.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(network) });
            await page.GetByTestId("upload-inputs").SetInputFilesAsync(new FilePayload { Name = "inputs.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(inputs) });
            await page.GetByTestId("upload-targets").SetInputFilesAsync(new FilePayload { Name = "targets.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(targets) });
            await Assertions.Expect(page.Locator("#shape")).ToContainTextAsync($"layers {Shape}, batch {Batch}");
            await Bench.CheckNoErrorAsync(page);
            await page.EvaluateAsync(Setup);

            List<double> frame = [], painted = [], beforeFetch = [], request = [], script = [], toFrame = [];
            for (int k = 0; k < options.Warmup + options.Edits; k++)
            {
                await page.GetByTestId("w-1-1-1").ClickAsync();
                var input = page.GetByTestId("edit-value");
                await input.FillAsync(Value(k).ToString("R", CultureInfo.InvariantCulture));
                await page.EvaluateAsync(Arm);
                await input.PressAsync("Enter");
                double[] t = await page.EvaluateAsync<double[]>("() => window.__edit");
                if (k < options.Warmup) continue;
                var (enter, fetchStart, fetchEnd, changed, next, after) = (t[0], t[1], t[2], t[3], t[4], t[5]);
                frame.Add(next - enter);
                painted.Add(after - enter);
                beforeFetch.Add(fetchStart - enter);
                request.Add(fetchEnd - fetchStart);
                script.Add(changed - fetchEnd);
                toFrame.Add(next - changed);
            }
            await Bench.CheckNoErrorAsync(page);
            bool met = Stats.Median(frame) < 100 && Stats.Percentile(frame, 90) < 100;
            return
            [
                new Row($"**edit, end to end in the page** ({What}): Enter to the next animation frame after the loss changed; {options.Edits} edits", Stats.Ms(frame), "< 100 ms (median and p90)", met),
                new Row("… of which: Enter to the request sent (the page's handler)", Stats.Ms(beforeFetch)),
                new Row("… of which: the request as the page sees it (Resource Timing, start to response end)", Stats.Ms(request)),
                new Row("… of which: the page's script (answer parsed, every value and gradient drawn, loss set)", Stats.Ms(script)),
                new Row("… of which: loss set to the next animation frame", Stats.Ms(toFrame)),
                new Row("edit, Enter to that frame painted (a task queued in the frame callback)", Stats.Ms(painted)),
            ];
        }
        finally
        {
            await Bench.CloseAsync(page);
        }
    }
}
