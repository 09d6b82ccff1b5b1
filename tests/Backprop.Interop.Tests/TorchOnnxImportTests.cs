using System.Text.Json.Nodes;

namespace Backprop.Interop.Tests;

/// <summary>The ONNX graphs torch.onnx.export writes (one Python run for all cases), exported once per test class.</summary>
public sealed class TorchOnnxCases : IDisposable
{
    public static readonly int[] Seeds = [.. Enumerable.Range(1, 12)];
    private readonly TempDir _dir = new();

    public TorchOnnxCases() =>
        Tools.Python(null, [Tools.Script("torch_onnx_cases.py"), _dir.Path, .. Seeds.Select(s => s.ToString()), "unsupported", "shared"]);

    public string this[string name] => _dir[name];

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// ONNX import against PyTorch: a dozen seeded random nn.Sequential MLPs (both Linear forms, Linear without bias,
/// every activation, a leading Flatten, a trailing Softmax/LogSoftmax, opsets 13 to 17), exported by
/// torch.onnx.export; `backprop grad` on the .onnx gives torch autograd's loss, outputs and gradients.
/// </summary>
public class TorchOnnxImportTests(TorchOnnxCases cases) : IClassFixture<TorchOnnxCases>
{
    public static TheoryData<int> Seeds() => [.. TorchOnnxCases.Seeds];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Grad_OnTorchOnnx_MatchesAutograd(int seed)
    {
        string dir = cases[seed.ToString()];
        var reference = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "ref.json")))!;
        var args = new List<string> { "grad", "--network", Path.Combine(dir, "model.onnx"), "--inputs", Path.Combine(dir, "x.csv"),
            "--targets", Path.Combine(dir, "t.csv"), "--precision", "f32" };
        if (reference["loss_name"]?.GetValue<string>() is { } loss) args.AddRange(["--loss", loss]);
        var run = Tools.Cli([.. args]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var ours = JsonNode.Parse(run.Stdout)!;

        const double tolerance = 1e-4;
        double expectedLoss = reference["loss"]!.GetValue<double>(), loss_ = ours["loss"]!.GetValue<double>();
        Assert.True(Math.Abs(expectedLoss - loss_) <= tolerance * Math.Max(Math.Abs(expectedLoss), 1e-6), $"loss {loss_} vs torch {expectedLoss}");
        Tools.Close(Tools.Matrix(reference["outputs"]), Tools.Matrix(ours["outputs"]), tolerance, "outputs");
        Tools.Close(Tools.Matrix(reference["inputs_grad"]), Tools.Matrix(ours["inputs_grad"]), tolerance, "inputs_grad");
        var dense = ours["layers"]!.AsArray().Where(l => l!["type"]!.GetValue<string>() == "dense").ToList();
        var torchLayers = reference["layers"]!.AsArray();
        Assert.Equal(torchLayers.Count, dense.Count);
        for (int l = 0; l < dense.Count; l++)
        {
            Tools.Close(Tools.Matrix(torchLayers[l]!["weights_grad"]), Tools.Matrix(dense[l]!["weights_grad"]), tolerance, $"layer {l} weights_grad");
            if (torchLayers[l]!["bias_grad"] is { } bias)
                Tools.Close([Tools.Vector(bias)], [Tools.Vector(dense[l]!["bias_grad"])], tolerance, $"layer {l} bias_grad");
        }
    }

    [Fact]
    public void Cases_CoverEveryFormAndOpset()
    {
        var graphs = TorchOnnxCases.Seeds.Select(s => File.ReadAllBytes(Path.Combine(cases[s.ToString()], "model.onnx"))).ToList();
        var models = graphs.Select(b => Onnx.ModelProto.Parser.ParseFrom(b)).ToList();
        var ops = models.SelectMany(m => m.Graph.Node.Select(n => n.OpType)).ToHashSet();
        foreach (string op in new[] { "Gemm", "MatMul", "Add", "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Flatten", "Softmax", "LogSoftmax" })
            Assert.Contains(op, ops);
        var opsets = models.Select(m => m.OpsetImport.Single(o => o.Domain == "").Version).ToHashSet();
        Assert.Contains(13L, opsets);
        Assert.Contains(17L, opsets);
        // A MatMul with no Add after it: a Linear without bias.
        Assert.Contains(models, m => m.Graph.Node.Zip(m.Graph.Node.Skip(1).Append(null)).Any(p => p.First.OpType == "MatMul" && p.Second?.OpType != "Add"));
    }

    [Fact]
    public void GraphWithoutSoftmax_UsesHalfSse()
    {
        Assert.Equal("half_sse", NetworkFiles.Read(Path.Combine(cases["3"], "model.onnx")).Loss);
        Assert.Equal("cross_entropy", NetworkFiles.Read(Path.Combine(cases["2"], "model.onnx")).Loss); // a trailing Softmax
    }

    [Fact]
    public void SharedInitializers_ThroughIdentity_AreRead()
    {
        var model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(cases["shared.onnx"]));
        Assert.Contains(model.Graph.Node, n => n.OpType == "Identity"); // torch shares the equal weights through Identity
        var spec = NetworkFiles.Read(cases["shared.onnx"]);
        Assert.Equal(["dense", "tanh", "dense"], spec.Layers.Select(l => l.Type));
        Assert.Equal(spec.Layers[0].Weights, spec.Layers[2].Weights);
    }

    [Fact]
    public void UnsupportedOp_IsRefusedWithOneLineNamingNodeAndOp()
    {
        using var dir = new TempDir();
        string output = dir["net.json"];
        File.WriteAllText(output, "keep me");
        var run = Tools.Cli("import", cases["unsupported.onnx"], "--out", output);
        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("unsupported.onnx: node \"/1/Softplus\" uses Softplus, which backprop does not support (supported: Gemm, MatMul, Add", line);
        Assert.Equal("keep me", File.ReadAllText(output));
    }

    [Fact]
    public void Import_WritesJsonThatGivesTheSameGradients()
    {
        using var dir = new TempDir();
        string case4 = cases["4"];
        var imported = Tools.Cli("import", Path.Combine(case4, "model.onnx"), "--out", dir["net.json"]);
        Assert.True(imported.ExitCode == 0, imported.Stderr);
        var spec = IO.NetworkJson.Load(dir["net.json"]);
        Assert.Equal("cross_entropy", spec.Loss); // the trailing LogSoftmax
        string[] batch = ["--inputs", Path.Combine(case4, "x.csv"), "--targets", Path.Combine(case4, "t.csv")];
        var fromJson = Tools.Cli(["grad", "--network", dir["net.json"], .. batch]);
        var fromOnnx = Tools.Cli(["grad", "--network", Path.Combine(case4, "model.onnx"), .. batch]);
        Assert.True(fromJson.ExitCode == 0, fromJson.Stderr);
        Assert.Equal(fromOnnx.Stdout, fromJson.Stdout);
    }
}
