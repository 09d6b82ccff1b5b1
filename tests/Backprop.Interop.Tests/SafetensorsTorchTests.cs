using System.Text.Json.Nodes;
using Backprop.IO;
using Backprop.Tensors;

namespace Backprop.Interop.Tests;

/// <summary>
/// safetensors against PyTorch: our export loads into the equivalent nn.Sequential with strict=True and gives our
/// outputs; a torch state dict saved as F32, F16 or BF16 imports (with the activation named) and gives torch's gradients.
/// </summary>
public class SafetensorsTorchTests
{
    public static TheoryData<int, bool> Exports() => new() { { 1, false }, { 2, true }, { 3, false }, { 4, true }, { 7, false }, { 8, true } };

    [Theory]
    [MemberData(nameof(Exports))]
    public void Export_LoadsIntoSequentialStrict_WithOurOutputs(int seed, bool float64)
    {
        var spec = RandomNets.Make(seed);
        using var dir = new TempDir();
        var run = Tools.Cli("export", "--network", WriteJson(spec, dir), "--format", "safetensors", "--out", dir["net.safetensors"],
            "--precision", float64 ? "f64" : "f32");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var x = RandomNets.Batch(3, spec.Layers[0].Inputs!.Value, seed);
        File.WriteAllLines(dir["x.csv"], x.Select(r => string.Join(",", r.Select(v => v.ToString("R")))));
        Tools.Python(null, Tools.Script("torch_safetensors.py"), "load", dir["net.safetensors"], dir["x.csv"], dir["torch.json"]);
        var torch = JsonNode.Parse(File.ReadAllText(dir["torch.json"]))!;
        Assert.Equal(spec.Loss, torch["loss"]!.GetValue<string>());
        var ours = spec.Build<double>().Forward(Matrix<double>.FromRows(x)).ToRows();
        Tools.Close(ours, Tools.Matrix(torch["outputs"]), float64 ? 1e-12 : 1e-5, "outputs");
        // Names of the nn.Sequential state dict: every layer is one module, dense i has i.weight and i.bias.
        var expected = spec.Layers.Select((l, i) => (l, i)).Where(p => p.l.Type == "dense").SelectMany(p => new[] { $"{p.i}.bias", $"{p.i}.weight" });
        Assert.Equal(expected.Order(StringComparer.Ordinal), torch["names"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    private static string WriteJson(Model.NetworkSpec spec, TempDir dir)
    {
        NetworkJson.Save(spec, dir["net.json"]);
        return dir["net.json"];
    }

    public static TheoryData<string, string, int> StateDicts() => new()
    {
        { "F32", "tanh", 1 }, { "F32", "leaky_relu", 2 }, { "F16", "relu", 3 }, { "F16", "sigmoid", 4 }, { "BF16", "tanh", 5 },
    };

    [Theory]
    [MemberData(nameof(StateDicts))]
    public void TorchStateDict_Imports_AndGivesTorchGradients(string dtype, string activation, int seed)
    {
        using var dir = new TempDir();
        Tools.Python(null, Tools.Script("torch_safetensors.py"), "statedict", dir.Path, seed.ToString(), dtype, activation);
        var imported = Tools.Cli("import", dir["model.safetensors"], "--out", dir["net.json"], "--loss", "mse", "--activation", activation);
        Assert.True(imported.ExitCode == 0, imported.Stderr);
        if (activation == "leaky_relu") // torch's module had slope 0.1; a state dict does not say so: set it as a person would
            File.WriteAllText(dir["net.json"], File.ReadAllText(dir["net.json"]).Replace("{ \"type\": \"leaky_relu\" }", "{ \"type\": \"leaky_relu\", \"slope\": 0.1 }"));
        var run = Tools.Cli("grad", "--network", dir["net.json"], "--inputs", dir["x.csv"], "--targets", dir["t.csv"], "--precision", "f32");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var ours = JsonNode.Parse(run.Stdout)!;
        var reference = JsonNode.Parse(File.ReadAllText(dir["ref.json"]))!;
        Assert.Equal(reference["loss"]!.GetValue<double>(), ours["loss"]!.GetValue<double>(), 1e-4 * Math.Abs(reference["loss"]!.GetValue<double>()));
        Tools.Close(Tools.Matrix(reference["outputs"]), Tools.Matrix(ours["outputs"]), 1e-4, "outputs");
        Tools.Close(Tools.Matrix(reference["inputs_grad"]), Tools.Matrix(ours["inputs_grad"]), 1e-4, "inputs_grad");
        var dense = ours["layers"]!.AsArray().Where(l => l!["type"]!.GetValue<string>() == "dense").ToList();
        var torchLayers = reference["layers"]!.AsArray();
        Assert.Equal(torchLayers.Count, dense.Count);
        for (int l = 0; l < dense.Count; l++)
        {
            Tools.Close(Tools.Matrix(torchLayers[l]!["weights_grad"]), Tools.Matrix(dense[l]!["weights_grad"]), 1e-4, $"layer {l} weights_grad");
            Tools.Close([Tools.Vector(torchLayers[l]!["bias_grad"])], [Tools.Vector(dense[l]!["bias_grad"])], 1e-4, $"layer {l} bias_grad");
        }
    }

    [Fact]
    public void StateDict_WithoutActivation_IsRefusedAndOutIsKept()
    {
        using var dir = new TempDir();
        Tools.Python(null, Tools.Script("torch_safetensors.py"), "statedict", dir.Path, "2", "F32", "relu");
        File.WriteAllText(dir["net.json"], "keep me");
        var run = Tools.Cli("import", dir["model.safetensors"], "--out", dir["net.json"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("model.safetensors: has no backprop metadata, so the activation between its dense layers (module 1) must be named; "
            + "give it with --activation (one of: identity, sigmoid, tanh, relu, leaky_relu)", run.Stderr);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("keep me", File.ReadAllText(dir["net.json"]));
    }

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 8)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Export_ThenRead_IsExactInFloat64_AndNeedsNoFlags(int seed)
    {
        var spec = RandomNets.Make(seed);
        using var dir = new TempDir();
        NetworkFiles.Write(spec, dir["net.safetensors"], NetworkFormat.Safetensors, float64: true);
        var back = NetworkFiles.Read(dir["net.safetensors"]);
        Assert.Equal(NetworkJson.Write(spec), NetworkJson.Write(back));
    }
}
