using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backprop.Data;
using Backprop.Gpu;
using Backprop.Model;
using Backprop.Training;
using ILGPU.Runtime;

// The GPU benchmark of docs/gpu.md, run on the GPU machine (which has no .NET SDK) as a self-contained build:
//   Backprop.GpuBench DATA_DIR OUT_DIR [check] [steps] [kernels] [accuracy]
// check:    the GPU trainer against the CPU trainer on CUDA (f64 and f32, three settings), weights after two epochs;
// steps:    µs per training step of 784-256-128-10 at batch 1 … 4096, steady state, and the host's enqueue time;
// kernels:  each launch's device time (profiling markers) in a steady-state step at batch 1, 128, 4096;
// accuracy: Fashion-MNIST 10 epochs at batch 128 on the GPU and on the CPU, test accuracy.
// Writes one JSON line per result to OUT_DIR/gpubench.jsonl and a readable line to stdout.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string data = args.Length > 0 ? args[0] : FashionMnist.DebianDirectory;
string outDir = args.Length > 1 ? args[1] : ".";
var parts = args.Length > 2 ? args[2..] : ["check", "steps", "kernels", "accuracy"];
Directory.CreateDirectory(outDir);
using var log = new StreamWriter(Path.Combine(outDir, "gpubench.jsonl"), append: true) { AutoFlush = true };

void Record(string part, object row, string text)
{
    var json = JsonSerializer.Serialize(row);
    log.WriteLine($"{{\"part\":\"{part}\",{json[1..]}");
    Console.WriteLine($"{part}: {text}");
}

// "cpu" runs the parts on ILGPU's CPU accelerator (slowly): a smoke test of this program on a machine without a GPU.
using var device = parts.Contains("cpu") ? GpuDevice.CpuAccelerator()
    : GpuDevice.TryCuda(profiling: parts.Contains("kernels")) ?? throw new InvalidOperationException("no CUDA device");
var acc = device.Accelerator;
Record("device", new { name = device.Name, sms = acc.NumMultiprocessors, max_threads_per_group = acc.MaxNumThreadsPerGroup, memory = acc.MemorySize, ilgpu_type = acc.AcceleratorType.ToString() },
    $"{device.Name}, {acc.NumMultiprocessors} SMs, {acc.MemorySize / (1 << 30)} GiB");
var (train, test) = FashionMnist.Load(data);
int[] mlp = [784, 256, 128, 10];

if (parts.Contains("check"))
{
    try
    {
        var slice = train.Take(parts.Contains("cpu") ? 130 : 1000);
        foreach (var (activation, loss, optimizer, batch, sizes) in new[]
        {
            ("relu", "cross_entropy", "sgd", 64, mlp),
            ("tanh", "mse", "momentum", 33, new[] { 784, 33, 7, 10 }),
            ("sigmoid", "cross_entropy", "adam", 1, new[] { 784, 257, 10 }),
        })
        {
            var data1 = batch == 1 ? slice.Take(100) : slice;
            Check<double>(activation, loss, optimizer, batch, sizes, data1, 1e-10);
            Check<float>(activation, loss, optimizer, batch, sizes, data1, 1e-4);
        }
    }
    catch (Exception e) when (e is not OutOfMemoryException)
    {
        Console.WriteLine($"check failed: {e}"); // one part failing must not lose the others' figures
    }
}

if (parts.Contains("steps"))
{
    try
    {
        // Each batch size with the defaults (split-K to 2 blocks per multiprocessor, 16 steps per CUDA graph), then
        // without graphs, and with split-K to 1 and 4 blocks per multiprocessor and off.
        int sms = acc.NumMultiprocessors;
        foreach (int batch in parts.Contains("cpu") ? new[] { 8 } : [1, 8, 32, 128, 512, 1024, 4096])
        {
            foreach (var (perSm, graphSteps) in new[] { (2, 16), (2, 0), (1, 16), (4, 16), (0, 16) })
            {
                // About 0.1–0.5 s of steps an epoch; whole batches only, as PyTorch's side times them.
                int steps = parts.Contains("cpu") ? 3 : batch switch { 1 => 5000, 8 => 5000, 32 => 4000, 128 => 3000, _ => 60000 / batch };
                var slice = train.Take(Math.Min(train.Count / batch, steps) * batch);
                var network = NetworkSpec.Mlp(mlp, "relu", "cross_entropy", "he", 1).Build<float>();
                using var trainer = new GpuTrainer<float>(network, new Sgd<float>(batch == 1 ? 0.01 : 0.1), batch, 1, device) { TargetBlocks = perSm * sms, GraphSteps = graphSteps };
                trainer.TrainEpoch(slice); // compiles the kernels, uploads the data
                var epochs = new List<(double Seconds, double Enqueue)>();
                for (int e = 0; e < 5; e++)
                {
                    var report = trainer.TrainEpoch(slice);
                    epochs.Add((report.Seconds, trainer.EnqueueSeconds));
                }
                int n = slice.Count / batch;
                var best = epochs.MinBy(x => x.Seconds);
                double us = best.Seconds / n * 1e6, enqueue = best.Enqueue / n * 1e6;
                double median = epochs.Select(x => x.Seconds).Order().ElementAt(epochs.Count / 2) / n * 1e6;
                Record("steps", new { batch, blocks_per_sm = perSm, graph_steps = graphSteps, steps = n, us_per_step = us, us_per_step_median = median, enqueue_us_per_step = enqueue, examples_per_second = batch / us * 1e6 },
                    $"batch {batch}, split-K to {perSm} blocks/SM, {graphSteps} steps per graph: {us:F1} µs/step (median {median:F1}; host enqueue {enqueue:F1}), {batch / us * 1e6:N0} examples/s");
            }
        }
    }
    catch (Exception e) when (e is not OutOfMemoryException)
    {
        Console.WriteLine($"steps failed: {e}"); // one part failing must not lose the others' figures
    }
}

if (parts.Contains("kernels"))
{
    try
    {
        foreach (var (batch, perSm) in new[] { (1, 2), (128, 2), (4096, 2), (4096, 4) })
        {
            int steps = batch == 4096 ? 10 : 50;
            var slice = train.Take(steps * batch);
            var network = NetworkSpec.Mlp(mlp, "relu", "cross_entropy", "he", 1).Build<float>();
            using var trainer = new GpuTrainer<float>(network, new Sgd<float>(0.01), batch, 1, device) { TargetBlocks = perSm * acc.NumMultiprocessors, GraphSteps = 0 }; // markers go between launches: no graphs
            trainer.TrainEpoch(slice);
            var markers = new List<(string Name, ProfilingMarker Marker)>();
            trainer.Launched = name => markers.Add((name, trainer.Stream.AddProfilingMarker()));
            markers.Add(("start", trainer.Stream.AddProfilingMarker()));
            trainer.TrainEpoch(slice);
            trainer.Launched = null;
            trainer.Stream.Synchronize();
            var sums = new Dictionary<string, double>();
            var order = new List<string>();
            for (int i = 1; i < markers.Count; i++)
            {
                double us = (markers[i].Marker - markers[i - 1].Marker).TotalMicroseconds;
                if (!sums.ContainsKey(markers[i].Name)) order.Add(markers[i].Name);
                sums[markers[i].Name] = sums.GetValueOrDefault(markers[i].Name) + us;
            }
            foreach (var (_, m) in markers) m.Dispose();
            // The first launch after "start" also holds the epoch's order upload; the steps' average hides it.
            var perKernel = order.ToDictionary(k => k, k => sums[k] / steps);
            Record("kernels", new { batch, blocks_per_sm = perSm, us_per_launch = perKernel, us_per_step = perKernel.Values.Sum() },
                $"batch {batch}, {perSm} blocks/SM: " + string.Join(", ", order.Select(k => $"{k} {perKernel[k]:F1}")) + $" µs; sum {perKernel.Values.Sum():F1} µs");
        }
    }
    catch (Exception e) when (e is not OutOfMemoryException)
    {
        Console.WriteLine($"kernels failed: {e}"); // one part failing must not lose the others' figures
    }
}

if (parts.Contains("accuracy"))
{
    try
    {
        foreach (string where in new[] { "gpu", "cpu" })
        {
            var network = NetworkSpec.Mlp(mlp, "relu", "cross_entropy", "he", 1).Build<float>();
            var sgd = new Sgd<float>(0.1);
            var clock = Stopwatch.StartNew();
            var reports = new List<EpochReport>();
            if (where == "gpu")
            {
                using var trainer = new GpuTrainer<float>(network, sgd, 128, 1, device);
                for (int e = 0; e < 10; e++) reports.Add(trainer.TrainEpoch(train, e == 9 ? test : null));
            }
            else
            {
                var trainer = new Trainer<float>(network, sgd, 128, 1);
                for (int e = 0; e < 10; e++) reports.Add(trainer.TrainEpoch(train, e == 9 ? test : null));
            }
            double accuracy = reports[^1].Test!.Accuracy;
            double trainSeconds = reports.Sum(r => r.Seconds);
            Record("accuracy", new { device = where, epochs = 10, batch = 128, test_accuracy = accuracy, train_seconds = trainSeconds, wall_seconds = clock.Elapsed.TotalSeconds, epoch_seconds = reports.Select(r => r.Seconds) },
                $"{where}: test accuracy {accuracy * 100:F2} % after 10 epochs, {trainSeconds:F1} s of training");
        }
    }
    catch (Exception e) when (e is not OutOfMemoryException)
    {
        Console.WriteLine($"accuracy failed: {e}"); // one part failing must not lose the others' figures
    }
}

void Check<T>(string activation, string loss, string optimizerName, int batch, int[] sizes, Dataset slice, double tolerance)
    where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
{
    Optimizer<T> Make() => optimizerName switch
    {
        "sgd" => new Sgd<T>(0.05),
        "momentum" => new Sgd<T>(0.05, momentum: 0.9),
        _ => new Adam<T>(0.001),
    };
    var spec = NetworkSpec.Mlp(sizes, activation, loss, null, 3);
    var cpu = spec.Build<T>();
    var gpu = spec.Build<T>();
    var cpuTrainer = new Trainer<T>(cpu, Make(), batch, 5);
    using var gpuTrainer = new GpuTrainer<T>(gpu, Make(), batch, 5, device) { GraphSteps = 4 }; // graphs and single launches both
    double lossDiff = 0;
    for (int e = 0; e < 2; e++)
    {
        var c = cpuTrainer.TrainEpoch(slice);
        var g = gpuTrainer.TrainEpoch(slice);
        lossDiff = Math.Max(lossDiff, Math.Abs(c.TrainLoss - g.TrainLoss) / Math.Max(1, Math.Abs(c.TrainLoss)));
    }
    double worst = 0;
    foreach (var (pc, pg) in cpu.Parameters.Zip(gpu.Parameters))
    {
        var e = pc.Value.ToArray();
        var a = pg.Value.ToArray();
        double scale = Math.Max(1, e.Max(v => Math.Abs(double.CreateChecked(v))));
        for (int i = 0; i < e.Length; i++) worst = Math.Max(worst, Math.Abs(double.CreateChecked(e[i]) - double.CreateChecked(a[i])) / scale);
    }
    string precision = typeof(T) == typeof(float) ? "f32" : "f64";
    bool ok = worst <= tolerance && lossDiff <= tolerance;
    Record("check", new { precision, activation, loss, optimizer = optimizerName, batch, sizes = string.Join('-', sizes), max_weight_diff = worst, max_loss_diff = lossDiff, tolerance, ok },
        $"{precision} {string.Join('-', sizes)} {activation}/{loss}/{optimizerName} batch {batch}: weights within {worst:E1}, losses {lossDiff:E1} (tolerance {tolerance:E0}) {(ok ? "ok" : "DIFFERENT")}");
}
