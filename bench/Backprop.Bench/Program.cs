using Backprop.Bench;

// backprop benchmark: this project and the references (PyTorch, numpy/OpenBLAS), side by side in one run.
//   dotnet run -c Release --project bench/Backprop.Bench -- all [--quick] [--threads 2]
//   sub-commands: gemm, train, steps, infer, scale, phases (each prints its part); all also writes bench/RESULTS.md.
if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine("""
        usage: dotnet run -c Release --project bench/Backprop.Bench -- [all|gemm|train|steps|infer|scale|phases] [options]
          all        every part, writes bench/RESULTS.md and bench/scaling.svg (a single part writes bench/RESULTS-<part>.md)
          --quick    one run per side, 1 epoch, shorter timings
          --threads N (2)   --batch N (train: one batch size)   --epochs N (2)   --repeats N (5)   --seed N (1)
        """);
    return 0;
}
var options = Options.Parse(args);
if (options.Command == "train-run") return TrainingRun.RunChild(options);
if (options.Command == "scale-run") return Scaling.RunChild(options);

string[] known = ["--quick", "--threads", "--batch", "--epochs", "--repeats", "--seed", "--width", "--seconds"];
if (args.FirstOrDefault(a => a.StartsWith('-') && !known.Contains(a)) is { } unknown)
{
    Console.Error.WriteLine($"unknown option '{unknown}': expected {string.Join(", ", known)} (--help for usage)");
    return 2;
}
string[] commands = ["all", "gemm", "train", "steps", "infer", "scale", "phases"];
if (!commands.Contains(options.Command))
{
    Console.Error.WriteLine($"unknown command '{options.Command}': expected {string.Join(", ", commands)}");
    return 2;
}
var clock = System.Diagnostics.Stopwatch.StartNew();
_ = Report.StartLoad;
var rows = new List<Row>();
var python = new Reference(options);
Console.Error.WriteLine($"references: {python.Describe()}");
bool all = options.Command == "all";
// The GEMM first: its rate on the training shape is the peak the training rows and the scaling table are measured against.
if (all || options.Command is "gemm" or "train" or "scale") rows.AddRange(Micro.Gemms(options, python));
if (all || options.Command == "train") rows.AddRange(TrainingRun.Compare(options, python, Micro.TrainingGemmRate));
if (all || options.Command == "steps") rows.AddRange(Micro.Steps(options, python));
if (all || options.Command == "infer") rows.AddRange(Micro.Inference(options, python));
string table = Report.Table(rows, options, python);
if (all || options.Command == "phases") table += Environment.NewLine + "## Where the time goes" + Environment.NewLine + Environment.NewLine + Phases.Compare(options, python);
if (all || options.Command == "scale") table += Environment.NewLine + "## Scaling" + Environment.NewLine + Environment.NewLine + Scaling.Compare(options, python, Micro.TrainingGemmRate);
table += Environment.NewLine + $"Run time: {clock.Elapsed.TotalMinutes:0.0} min." + Environment.NewLine;
Console.WriteLine(table);
if (!options.Quick) Report.Write(table, options);
return 0;
