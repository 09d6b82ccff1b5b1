using System.Globalization;
using System.Text.Json;
using Backprop.Data;
using Backprop.Model;
using Backprop.Training;
using Microsoft.Playwright;

namespace Backprop.WebBench;

/// <summary>
/// Training examples/s side by side in one Chromium: our engine in the site's worker, TensorFlow.js (cpu, wasm,
/// webgl backends) in a worker of its own, and the library natively in this process, on the same spirals data
/// (Synthetic.Spirals(400, seed 1), the playground's example), the same MLPs, softmax cross-entropy, Adam 0.01,
/// batch 32, a fixed number of epochs.
/// </summary>
internal static class Speed
{
    public static readonly string[] Networks = ["8", "16-16", "64-64"];
    private static readonly string[] Backends = ["cpu", "wasm", "webgl"];

    /// <summary>The project folder (where page/ and tfjs/ are), found from the build output upwards.</summary>
    public static string ProjectFolder()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Backprop.WebBench.csproj"))) return d.FullName;
        throw new InvalidOperationException("cannot find bench/Backprop.WebBench above the build output");
    }

    /// <summary>Copies the bench page and, when installed, TensorFlow.js's files into the served site; false without TensorFlow.js.</summary>
    public static bool Install(string site)
    {
        string project = ProjectFolder();
        foreach (string f in Directory.GetFiles(Path.Combine(project, "page"))) File.Copy(f, Path.Combine(site, Path.GetFileName(f)), overwrite: true);
        string modules = Path.Combine(project, "tfjs", "node_modules", "@tensorflow");
        string[] files =
        [
            Path.Combine(modules, "tfjs", "dist", "tf.min.js"),
            Path.Combine(modules, "tfjs-backend-wasm", "dist", "tf-backend-wasm.min.js"),
            Path.Combine(modules, "tfjs-backend-wasm", "dist", "tfjs-backend-wasm.wasm"),
            Path.Combine(modules, "tfjs-backend-wasm", "dist", "tfjs-backend-wasm-simd.wasm"),
            Path.Combine(modules, "tfjs-backend-wasm", "dist", "tfjs-backend-wasm-threaded-simd.wasm"),
        ];
        if (!files.All(File.Exists)) return false;
        Directory.CreateDirectory(Path.Combine(site, "tfjs"));
        foreach (string f in files) File.Copy(f, Path.Combine(site, "tfjs", Path.GetFileName(f)), overwrite: true);
        return true;
    }

    /// <summary>Runs the table; returns its markdown lines.</summary>
    public static async Task<List<string>> Measure(IBrowser browser, Uri site, bool withTfjs, int runs, int epochs)
    {
        var data = Synthetic.Spirals(400, 1);
        double[] x = [.. data.Features.Select(v => (double)v)];
        int[] y = data.Labels!;
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Response += (_, r) => { if (r.Status >= 400 && !r.Url.EndsWith("/favicon.ico", StringComparison.Ordinal)) console.Add($"{r.Status} {r.Url}"); };
        page.Console += (_, m) => { if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) console.Add(m.Text); };
        await page.GotoAsync(new Uri(site, "speed.html").ToString());
        await page.WaitForSelectorAsync("body[data-ready=true]", new() { Timeout = 60_000 });
        var lines = new List<string>
        {
            $"Spirals ({data.Count} examples, 2 classes), Adam 0.01, batch 32, {epochs} epochs; examples/s, median of {runs} runs taken in turn (ours, then each TensorFlow.js backend in a fresh worker; ours keeps one worker throughout; webgl one run).",
            "",
            "| network | ours, browser worker (trainer's clock) | ours, whole run in the worker | TF.js cpu | TF.js wasm | TF.js webgl | ours / fastest TF.js | native library | native / ours |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        };
        var notes = new List<string>();
        foreach (string layers in Networks)
        {
            int[] hidden = [.. layers.Split('-').Select(h => int.Parse(h, CultureInfo.InvariantCulture))];
            var oursTrainer = new List<double>();
            var oursWall = new List<double>();
            var speeds = Backends.ToDictionary(b => b, _ => new List<double>());
            var errors = new Dictionary<string, string>();
            // Run by run, each side in turn: the load of a shared machine changes by the minute, and so weighs on all alike.
            for (int i = 0; i < runs; i++)
            {
                var o = (await page.EvaluateAsync<JsonElement?>("([l, e]) => window.speed.ours(l, e)", new object[] { layers, epochs }))!.Value;
                double samples = o.GetProperty("epochs").GetDouble() * data.Count;
                oursTrainer.Add(samples / o.GetProperty("seconds").GetDouble());
                oursWall.Add(samples / o.GetProperty("wall").GetDouble());
                foreach (string backend in Backends)
                {
                    // WebGL without a GPU (SwiftShader) is an order slower than the rest: one run tells enough.
                    if (!withTfjs || errors.ContainsKey(backend) || (backend == "webgl" && i > 0)) continue;
                    var t = (await page.EvaluateAsync<JsonElement?>("([b, h, e, x, y]) => window.speed.tfjs(b, h, e, x, y)", new object[] { backend, hidden, epochs, x, y }))!.Value;
                    if (t.TryGetProperty("error", out var failed)) errors[backend] = failed.GetString() ?? "failed";
                    else if (t.GetProperty("backend").GetString() != backend) errors[backend] = $"ran on {t.GetProperty("backend").GetString()}";
                    else speeds[backend].Add(t.GetProperty("samples").GetDouble() / t.GetProperty("seconds").GetDouble());
                    if (t.TryGetProperty("flags", out var flags) && flags.ValueKind == JsonValueKind.String) notes.Add($"TF.js {backend}: {flags.GetString()}");
                }
            }
            var tf = new Dictionary<string, string>();
            double best = 0;
            string bestName = "";
            foreach (string backend in Backends)
            {
                if (!withTfjs) { tf[backend] = "–"; continue; }
                if (errors.TryGetValue(backend, out string? error))
                {
                    tf[backend] = "failed";
                    notes.Add($"TF.js {backend} on 2-{layers}-2: {error}");
                    continue;
                }
                double m = Median(speeds[backend]);
                tf[backend] = K(m);
                if (m > best) (best, bestName) = (m, backend);
            }
            double native = Native(data, layers, runs, epochs);
            double ours = Median(oursTrainer);
            string ratio = best > 0 ? $"{ours / best:F2} (vs {bestName})" : "–";
            lines.Add($"| 2-{layers}-2 | {K(ours)} | {K(Median(oursWall))} | {tf["cpu"]} | {tf["wasm"]} | {tf["webgl"]} | {ratio} | {K(native)} | {native / ours:F1}× |");
        }
        lines.Add("");
        foreach (string n in notes.Distinct()) lines.Add($"- {n}");
        foreach (string c in console.Distinct().Take(5)) lines.Add($"- error in the page: {c}");
        await context.CloseAsync();
        return lines;
    }

    /// <summary>The library in this process: the same data and settings, the trainer's own clock (as the worker's).</summary>
    private static double Native(Dataset data, string layers, int runs, int epochs)
    {
        var speeds = new List<double>();
        int[] sizes = [data.FeatureCount, .. layers.Split('-').Select(h => int.Parse(h, CultureInfo.InvariantCulture)), data.OutputCount];
        for (int i = -1; i < runs; i++)
        {
            var spec = NetworkSpec.Mlp(sizes, "relu", "cross_entropy", seed: 1);
            var trainer = new Trainer<float>(spec.Build<float>(), Optimizer<float>.Create("adam", 0.01, 0, 0), 32, 1);
            double samples = 0, seconds = 0;
            for (int e = 0; e < epochs; e++)
            {
                var report = trainer.TrainEpoch(data, null);
                samples += report.Samples;
                seconds += report.Seconds;
            }
            if (i >= 0) speeds.Add(samples / seconds); // run -1 warms the JIT up, as the browser's first run does its own
        }
        return Median(speeds);
    }

    public static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);

    private static string K(double v) => v >= 10_000 ? $"{v / 1000:F1}k" : $"{v:F0}";
}
