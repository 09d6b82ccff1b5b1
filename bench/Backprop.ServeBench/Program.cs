using Backprop.ServeBench;

// backprop serve, measured: the playground in this process on 127.0.0.1 (a free port), its page in headless
// Chromium (Debian's /usr/bin/chromium, or $CHROMIUM) driven by Playwright, and a Markdown table of
//   1. edit latency: Enter in the editor to the next frame with the new loss, 8-32-16-8 tanh net, batch 64;
//      and the same edit request alone (HttpClient, send to the whole answer read);
//   2. page updates per second while spirals train with the page's settings;
//   3. training time in the page against the library's Trainer with the same settings, as a ratio.
//   dotnet run -c Release --project bench/Backprop.ServeBench [-- --edits 40 --warmup 5 --runs 5 --seconds 5]
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
#if DEBUG
Console.Error.WriteLine("warning: a Debug build; measure with -c Release");
#endif
var load = LoadAverage.Now();
Console.WriteLine($"# backprop serve, measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine();
Console.WriteLine($"Load average at the start: {load} (1, 5, 15 min) on {Environment.ProcessorCount} cores.");
await using var bench = await Bench.StartAsync(options);
Console.WriteLine($"Server {bench.Url}, Chromium {bench.BrowserVersion} headless; .NET {Environment.Version}.");
Console.WriteLine();

var rows = new List<Row>();
Console.Error.WriteLine("edit latency: the request alone");
rows.AddRange(await EditLatency.ServerOnlyAsync(bench, options));
Console.Error.WriteLine("edit latency: in the page");
rows.AddRange(await EditLatency.InPageAsync(bench, options));
Console.Error.WriteLine("updates while training");
rows.AddRange(await TrainingSpeed.UpdatesAsync(bench, options));
Console.Error.WriteLine("training time: page against Trainer");
rows.AddRange(await TrainingSpeed.CompareAsync(bench, options));

Console.WriteLine(Row.Table(rows));
Console.WriteLine();
Console.WriteLine($"Load average at the end: {LoadAverage.Now()}.");
return 0;
