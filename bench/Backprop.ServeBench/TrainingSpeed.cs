using System.Diagnostics;
using System.Globalization;
using Backprop.Data;
using Backprop.Model;
using Backprop.Training;
using Microsoft.Playwright;

namespace Backprop.ServeBench;

/// <summary>
/// Spirals with the page's settings (2-64-64-2 ReLU, cross-entropy, seed 1; Adam, lr 0.01, batch 32, 300
/// epochs, float32): page updates per second while it trains, and its training time against the library's
/// <see cref="Trainer{T}"/> on the same network and data in this process.
/// </summary>
internal static class TrainingSpeed
{
    private const string Data = "spirals";
    private const int Epochs = 300, Hidden = 64, BatchSize = 32, Seed = 1;
    private const string Query = "?example=spirals&view=train";
    private static readonly string Settings = $"{Data}, 2-{Hidden}-{Hidden}-2 relu, adam 0.01, batch {BatchSize}";

    private static async Task<IPage> OpenSpiralsAsync(Bench bench)
    {
        var page = await bench.OpenAsync(Query);
        await Assertions.Expect(page.Locator("#shape")).ToContainTextAsync($"{Data}: layers 2-{Hidden}-{Hidden}-2");
        await Bench.CheckNoErrorAsync(page);
        return page;
    }

    // Counts, from the first snapshot drawn for `seconds`: changes of train-epoch and train-loss (data-value), and
    // animation frames that show a new epoch. Answers [epoch changes/s, loss changes/s, frames with a new epoch/s,
    // frames/s, longest gap between two epoch changes in ms].
    private const string CountUpdates = """
        (seconds) => {
          const epoch = document.querySelector('[data-testid=train-epoch]');
          const loss = document.querySelector('[data-testid=train-loss]');
          window.__updates = new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('no snapshot drawn within 30 s')), 30000);
            const times = [];
            let losses = 0, frames = 0, shownFrames = 0, shown = epoch.dataset.value, first = 0, counting = true;
            const tick = () => {
              if (!counting) return;
              if (first) {
                frames++;
                if (epoch.dataset.value !== shown) shownFrames++;
              }
              shown = epoch.dataset.value;
              requestAnimationFrame(tick);
            };
            requestAnimationFrame(tick);
            const lossObserver = new MutationObserver(() => { if (first && counting) losses++; });
            lossObserver.observe(loss, { attributes: true, attributeFilter: ['data-value'] });
            const observer = new MutationObserver(() => {
              if (!counting) return;
              const now = performance.now();
              times.push(now);
              if (times.length > 1) return;
              first = now;
              clearTimeout(timer);
              setTimeout(() => {
                counting = false;
                observer.disconnect();
                lossObserver.disconnect();
                const s = (performance.now() - first) / 1000;
                let gap = 0;
                for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
                resolve([(times.length - 1) / ((times.at(-1) - first) / 1000), losses / s, shownFrames / s, frames / s, gap]);
              }, seconds * 1000);
            });
            observer.observe(epoch, { attributes: true, attributeFilter: ['data-value'] });
          });
        }
        """;

    /// <summary>Page updates per second while training; epochs raised so that the run outlasts the count.</summary>
    public static async Task<IEnumerable<Row>> UpdatesAsync(Bench bench, BenchOptions options)
    {
        var page = await OpenSpiralsAsync(bench);
        try
        {
            await page.Locator("#epochs").FillAsync("100000");
            await page.GetByTestId("train-pace").SelectOptionAsync("0");
            await page.EvaluateAsync(CountUpdates, options.Seconds);
            await page.GetByTestId("train-start").ClickAsync();
            double[] u = await page.EvaluateAsync<double[]>("() => window.__updates");
            await page.GetByTestId("train-stop").ClickAsync();
            await Assertions.Expect(page.GetByTestId("train-start")).ToBeEnabledAsync(new() { Timeout = 60_000 });
            await Bench.CheckNoErrorAsync(page);
            string Rate(double v) => v.ToString("0.0", CultureInfo.InvariantCulture) + " /s";
            return
            [
                new Row($"**page updates while training** ({Settings}; epochs raised to 100,000 to outlast the count): train-epoch changes over {options.Seconds:0.#} s",
                    $"{Rate(u[0])} (longest gap {u[4]:0} ms)", "≥ 20 /s", u[0] >= 20),
                new Row("… train-loss changes", Rate(u[1])),
                new Row("… animation frames that showed a new epoch, of all frames", $"{Rate(u[2])} of {Rate(u[3])}"),
            ];
        }
        finally
        {
            await Bench.CloseAsync(page);
        }
    }

    // Times of the click on start, the first and the last epoch drawn, and the start button enabled again (run
    // over, the trained network back in the Walk), with the first epoch drawn and the snapshots drawn, as
    // [click, first, last, end, first epoch, snapshots].
    private const string TimeRun = """
        () => {
          const epoch = document.querySelector('[data-testid=train-epoch]');
          const start = document.querySelector('[data-testid=train-start]');
          const epochs = Number(document.getElementById('epochs').value);
          window.__train = new Promise((resolve, reject) => {
            let clicked = 0, first = 0, firstEpoch = 0, last = 0, snapshots = 0;
            document.addEventListener('click', (e) => { if (e.target === start && !clicked) clicked = performance.now(); }, true);
            const observer = new MutationObserver((records) => {
              const now = performance.now();
              if (records.some((r) => r.target === epoch)) {
                snapshots++;
                if (!first) { first = now; firstEpoch = Number(epoch.dataset.value); }
                if (!last && Number(epoch.dataset.value) === epochs) last = now;
              }
              if (clicked && last && !start.disabled) {
                observer.disconnect();
                clearTimeout(timer);
                resolve([clicked, first, last, now, firstEpoch, snapshots]);
              }
            });
            const timer = setTimeout(() => { observer.disconnect(); reject(new Error('training did not end within 300 s')); }, 300000);
            observer.observe(epoch, { attributes: true, attributeFilter: ['data-value'] });
            observer.observe(start, { attributes: true, attributeFilter: ['disabled'] });
          });
        }
        """;

    private sealed record PageRun(double ToFirstEpoch, int FirstEpoch, double ToLastEpoch, double ToEnd, int Snapshots, double TrainerSeconds);

    /// <summary>One run in a fresh tab with the page's defaults: untrained network, Start, until the run is over.</summary>
    private static async Task<PageRun> TrainInPageAsync(Bench bench)
    {
        var page = await OpenSpiralsAsync(bench);
        try
        {
            // The page trains until paused at a pace one can watch: a timed run stops at Epochs, as fast as it goes.
            await page.Locator("#epochs").FillAsync(Epochs.ToString(CultureInfo.InvariantCulture));
            await page.GetByTestId("train-pace").SelectOptionAsync("0");
            await page.EvaluateAsync(TimeRun);
            await page.GetByTestId("train-start").ClickAsync();
            double[] t = await page.EvaluateAsync<double[]>("() => window.__train");
            await Bench.CheckNoErrorAsync(page);
            // The seconds the Trainer itself spent on each epoch, as the run recorded them.
            string csv = await page.EvaluateAsync<string>("() => fetch(document.getElementById('dl-history').href).then((r) => r.text())");
            double trainer = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Sum(line => double.Parse(line.Split(',')[^1], NumberStyles.Float, CultureInfo.InvariantCulture));
            return new PageRun((t[1] - t[0]) / 1000, (int)t[4], (t[2] - t[0]) / 1000, (t[3] - t[0]) / 1000, (int)t[5], trainer);
        }
        finally
        {
            await Bench.CloseAsync(page);
        }
    }

    /// <summary>The same run with the library alone: the network the page trains (weights written out, as the page loads them), the same Trainer.</summary>
    private static (double Wall, double Epochs) TrainWithLibrary()
    {
        var (train, test) = DataSources.Load(Data, Seed);
        var spec = NetworkSpec.Mlp([train.FeatureCount, Hidden, Hidden, train.OutputCount], "relu", "cross_entropy", seed: Seed);
        var network = NetworkSpec.From(spec.Build<double>(), Seed).Build<float>();
        var trainer = new Trainer<float>(network, Optimizer<float>.Create("adam", 0.01, 0, 0), BatchSize, Seed);
        double epochs = 0;
        var clock = Stopwatch.StartNew();
        for (int e = 0; e < Epochs; e++) epochs += trainer.TrainEpoch(train, test).Seconds;
        return (clock.Elapsed.TotalSeconds, epochs);
    }

    /// <summary>
    /// <c>backprop train</c> with the page's settings, as a user runs it: the wall time of the whole command
    /// (process start, data, training with the test set every epoch) and the training seconds it reports.
    /// </summary>
    private static (double Wall, double Training) TrainWithCommand()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Backprop.Cli.dll"), "train", "--data", Data, "--layers", $"2-{Hidden}-{Hidden}-2",
            "--activation", "relu", "--loss", "cross_entropy", "--optimizer", "adam", "--lr", "0.01",
            "--batch", BatchSize.ToString(CultureInfo.InvariantCulture), "--epochs", Epochs.ToString(CultureInfo.InvariantCulture),
            "--seed", Seed.ToString(CultureInfo.InvariantCulture), "--json",
        })
            start.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start backprop train");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        double wall = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0) throw new InvalidOperationException($"backprop train failed: {stderr.Result}");
        string last = stdout.Result.Trim().Split('\n')[^1];
        using var json = System.Text.Json.JsonDocument.Parse(last);
        return (wall, json.RootElement.GetProperty("train_seconds").GetDouble());
    }

    /// <summary>Page and library runs in turn after one warm-up of each; medians and their ratio.</summary>
    public static async Task<IEnumerable<Row>> CompareAsync(Bench bench, BenchOptions options)
    {
        await TrainInPageAsync(bench);
        TrainWithLibrary();
        var runs = new List<PageRun>();
        var library = new List<(double Wall, double Epochs)>();
        var command = new List<(double Wall, double Training)>();
        for (int r = 0; r < options.Runs; r++)
        {
            runs.Add(await TrainInPageAsync(bench));
            library.Add(TrainWithLibrary());
            command.Add(TrainWithCommand());
        }
        double page = Stats.Median([.. runs.Select(r => r.ToLastEpoch)]), alone = Stats.Median([.. library.Select(l => l.Wall)]), ratio = page / alone;
        double cli = Stats.Median([.. command.Select(c => c.Wall)]), cliRatio = page / cli;
        string S(IEnumerable<double> v) => string.Join(", ", v.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture))) + " s";
        return
        [
            new Row($"**training time, page ÷ `backprop train`** ({Settings}, {Epochs} epochs, test set every epoch; the command as a user runs it, process start included; medians of {options.Runs} runs each)",
                string.Create(CultureInfo.InvariantCulture, $"{cliRatio:0.00} ({page:0.00} s ÷ {cli:0.00} s)"), "≤ 1.20", cliRatio <= 1.20),
            new Row("… `backprop train`: the command's wall time; the training seconds it reports", string.Join(", ", command.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Wall:0.00} s ({c.Training:0.00} s)")))),
            new Row($"**training time, page ÷ Trainer** (stricter: the library's Trainer in this process, no process start)",
                string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00} ({page:0.00} s ÷ {alone:0.00} s)"), "≤ 1.20", ratio <= 1.20),
            new Row("… page: click on start to the last epoch drawn", S(runs.Select(r => r.ToLastEpoch))),
            new Row("… page: click on start to the first snapshot drawn (its epoch)", string.Join(", ", runs.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.ToFirstEpoch * 1000:0} ms ({r.FirstEpoch})")))),
            new Row("… page: snapshots drawn per run", string.Join(", ", runs.Select(r => r.Snapshots))),
            new Row("… page: the Trainer's own epochs (history.csv seconds)", S(runs.Select(r => r.TrainerSeconds))),
            new Row("… page: click on start to the run over (trained network back in the Walk)", S(runs.Select(r => r.ToEnd))),
            new Row($"… Trainer alone in this process: TrainEpoch × {Epochs}", S(library.Select(l => l.Wall))),
            new Row("… Trainer alone: its own epochs (EpochReport seconds)", S(library.Select(l => l.Epochs))),
        ];
    }
}
