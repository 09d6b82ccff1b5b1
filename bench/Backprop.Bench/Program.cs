using Backprop.Bench;

// backprop benchmark: this project and the references (PyTorch, numpy/OpenBLAS), side by side in one run.
//   dotnet run -c Release --project bench/Backprop.Bench -- all [--quick] [--threads 2]
//   sub-commands: gemm, steps, train (each prints its part of the table); all also writes bench/RESULTS.md.
var options = Options.Parse(args);
if (options.Command == "train-run") return TrainingRun.RunChild(options);

var rows = new List<Row>();
var python = new Reference(options);
Console.Error.WriteLine($"references: {python.Describe()}");
if (options.Command is "all" or "train") rows.AddRange(TrainingRun.Compare(options, python));
if (options.Command is "all" or "steps") rows.AddRange(Micro.Steps(options, python));
if (options.Command is "all" or "gemm") rows.AddRange(Micro.Gemms(options, python));
if (rows.Count == 0)
{
    Console.Error.WriteLine($"unknown command '{options.Command}': expected all, gemm, steps or train");
    return 2;
}
string table = Report.Table(rows, options, python);
Console.WriteLine(table);
if (!options.Quick) Report.Write(table, options);
return 0;
