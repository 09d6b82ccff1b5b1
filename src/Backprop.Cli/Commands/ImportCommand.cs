using System.CommandLine;
using Backprop.Interop;
using Backprop.IO;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop import</c>: an ONNX or safetensors network (from PyTorch, say) to network JSON.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "an ONNX, safetensors or JSON network" };
        var output = new Option<string>("--out") { Description = "network JSON to write (atomically)", Required = true };
        var activation = new Option<string?>("--activation")
        {
            Description = $"the activation between dense layers of a safetensors state dict without backprop metadata: {string.Join(", ", Model.NetworkSpec.ActivationTypes)}",
        };
        var loss = new Option<string?>("--loss") { Description = $"the loss to record: {string.Join(", ", Losses.Loss<float>.Names)} (default: the file's own, or half_sse)" };
        var command = new Command("import", "Convert an ONNX or safetensors network to network JSON.") { file, output, activation, loss };
        command.SetAction(r =>
        {
            string outPath = r.GetValue(output)!;
            AtomicFile.CheckWritable(outPath, "--out ");
            var spec = NetworkFiles.Read(r.GetValue(file)!, r.GetValue(activation), r.GetValue(loss));
            spec.Build<double>(); // a file that cannot become a network is refused before anything is written
            NetworkFiles.Write(spec, outPath, NetworkFormat.Json);
            int dense = spec.Layers.Count(l => l.Type == "dense");
            Console.Error.WriteLine($"wrote {outPath}: {dense} dense layer{(dense == 1 ? "" : "s")}, {string.Join("-", Sizes(spec))}, loss {spec.Loss}");
            return 0;
        });
        return command;
    }

    private static IEnumerable<int> Sizes(Model.NetworkSpec spec)
    {
        var dense = spec.Layers.Where(l => l.Type == "dense").ToList();
        return dense.Select(l => l.Inputs ?? 0).Take(1).Concat(dense.Select(l => l.Outputs ?? 0));
    }
}
