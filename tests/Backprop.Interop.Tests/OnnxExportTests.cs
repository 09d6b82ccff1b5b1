using Backprop.Model;
using Backprop.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Backprop.Interop.Tests;

/// <summary>
/// ONNX export against ONNX Runtime (the reference that runs it) and python3-onnx's checker: outputs equal our
/// forward pass at two batch sizes, in float32 and float64; the file reads back as the same network.
/// </summary>
public class OnnxExportTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 10)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Export_RunsInOnnxRuntime_LikeOurForward(int seed)
    {
        var spec = RandomNets.Make(seed);
        using var dir = new TempDir();
        NetworkFiles.Write(spec, dir["f32.onnx"], NetworkFormat.Onnx);
        NetworkFiles.Write(spec, dir["f64.onnx"], NetworkFormat.Onnx, float64: true);
        int inputs = spec.Layers[0].Inputs!.Value;
        foreach (int batch in new[] { 1, 5 })
        {
            var x = RandomNets.Batch(batch, inputs, seed * 10 + batch);
            var ours32 = Forward<float>(spec, x);
            // ONNX keeps LeakyRelu's alpha as a float attribute even in a float64 graph: compare with that slope.
            var floatSlopes = spec with { Layers = [.. spec.Layers.Select(l => l.Slope is { } s ? l with { Slope = (float)s } : l)] };
            var ours64 = Forward<double>(floatSlopes, x);
            Tools.Close(ours32, Run(dir["f32.onnx"], x, float64: false), 1e-5, $"float32 batch {batch}");
            Tools.Close(ours64, Run(dir["f64.onnx"], x, float64: true), 1e-12, $"float64 batch {batch}");
        }
    }

    /// <summary>ONNX Runtime on an exported file: the documented C# of recipe 2 in docs/interop.md.</summary>
    private static double[][] Run(string path, double[][] x, bool float64)
    {
        using var session = new InferenceSession(path);
        Assert.Equal(-1, session.InputMetadata["input"].Dimensions[0]); // the batch axis is dynamic
        int n = x.Length, k = x[0].Length;
        using var results = float64
            ? session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<double>(x.SelectMany(r => r).ToArray(), [n, k]))])
            : session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(x.SelectMany(r => r).Select(v => (float)v).ToArray(), [n, k]))]);
        var output = results.Single(r => r.Name == "output");
        var values = float64 ? output.AsTensor<double>().ToArray() : output.AsTensor<float>().ToArray().Select(v => (double)v).ToArray();
        int m = values.Length / n;
        return [.. Enumerable.Range(0, n).Select(i => values.AsSpan(i * m, m).ToArray())];
    }

    private static double[][] Forward<T>(NetworkSpec spec, double[][] x) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var net = spec.Build<T>();
        return net.Forward(Matrix<T>.FromRows(x)).ToRows().Select(r => r.Select(v => double.CreateChecked(v)).ToArray()).ToArray();
    }

    [Fact]
    public void Exports_PassOnnxChecker_WithOpset17AndProducer()
    {
        using var dir = new TempDir();
        var files = new List<string>();
        foreach (int seed in Enumerable.Range(1, 6))
            foreach (bool f64 in new[] { false, true })
            {
                string path = dir[$"net{seed}{(f64 ? "d" : "f")}.onnx"];
                NetworkFiles.Write(RandomNets.Make(seed), path, NetworkFormat.Onnx, f64);
                files.Add(path);
            }
        var run = Tools.Python(null, ["-c", """
            import sys, onnx
            for path in sys.argv[1:]:
                m = onnx.load(path)
                onnx.checker.check_model(m, full_check=True)
                opset = [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")]
                g = m.graph
                print(path, opset[0], m.producer_name, bool(m.producer_version), [i.name for i in g.input], [o.name for o in g.output],
                      g.input[0].type.tensor_type.shape.dim[0].dim_param, g.input[0].type.tensor_type.elem_type)
            """, .. files]);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(files.Count, lines.Length);
        foreach (var (line, path) in lines.Zip(files))
            Assert.Equal($"{path} 17 backprop True ['input'] ['output'] N {(path.EndsWith("d.onnx") ? 11 : 1)}", line);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Export_ThenImport_GivesTheSameNetwork(int seed)
    {
        var spec = RandomNets.Make(seed);
        using var dir = new TempDir();
        NetworkFiles.Write(spec, dir["net.onnx"], NetworkFormat.Onnx, float64: true);
        var back = NetworkFiles.Read(dir["net.onnx"]);
        Assert.Equal(spec.Loss, back.Loss); // kept in the model's metadata
        Assert.Equal(spec.Layers.Select(l => l.Type), back.Layers.Select(l => l.Type));
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            Assert.Equal(spec.Layers[i].Weights, back.Layers[i].Weights);
            Assert.Equal(spec.Layers[i].Bias, back.Layers[i].Bias);
            if (spec.Layers[i].Slope is { } slope) Assert.Equal(slope, back.Layers[i].Slope!.Value, 6); // ONNX keeps alpha as a float
        }
    }
}
