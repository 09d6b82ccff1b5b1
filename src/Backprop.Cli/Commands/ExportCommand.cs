using System.CommandLine;
using Backprop.Interop;
using Backprop.IO;

namespace Backprop.Cli.Commands;

/// <summary><c>backprop export</c>: a network to ONNX (for ONNX Runtime, ML.NET) or safetensors (for PyTorch).</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var network = new Option<string>("--network") { Description = Inputs.NetworkDescription, Required = true };
        var format = new Option<string?>("--format") { Description = "onnx, safetensors or json (default: from the --out extension)" };
        var output = new Option<string>("--out") { Description = "the file to write (atomically)", Required = true };
        var precision = new Option<string>("--precision") { Description = "f32 or f64 weights (ONNX and safetensors)", DefaultValueFactory = _ => "f32" };
        var command = new Command("export", "Write a network as ONNX or safetensors (PyTorch nn.Sequential names).") { network, format, output, precision };
        command.SetAction(r =>
        {
            string outPath = r.GetValue(output)!;
            var target = r.GetValue(format) is { } f ? Format(f, "--format") : Format(Path.GetExtension(outPath), "--out extension");
            bool f64 = Inputs.IsDouble(r.GetValue(precision)!);
            AtomicFile.CheckWritable(outPath, "--out ");
            var spec = Inputs.ReadNetwork(r.GetValue(network)!);
            NetworkFiles.Write(spec, outPath, target, f64);
            Console.Error.WriteLine($"wrote {outPath} ({target.ToString().ToLowerInvariant()}, {(f64 ? "float64" : "float32")})");
            return 0;
        });
        return command;
    }

    private static NetworkFormat Format(string name, string option)
    {
        try
        {
            return NetworkFiles.ParseFormat(name);
        }
        catch (BackpropException)
        {
            throw new BackpropException($"{option} '{name}': expected onnx, safetensors or json");
        }
    }
}
