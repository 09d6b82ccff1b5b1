using Backprop.Tensors;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Backprop.Interop.Tests;

/// <summary>
/// Graphs torch does not write but the format allows (Gemm with alpha, beta, transB 0 or 1 and a broadcast bias;
/// Add with the bias first; float_data and double_data; a Constant weight), imported and run by us and by ONNX
/// Runtime: the same outputs, so our reading of each attribute is ONNX's.
/// </summary>
public class OnnxImportSemanticsTests
{
    private static TensorProto Init(string name, long[] dims, double[] values, bool float64, bool raw = false)
    {
        var t = new TensorProto { Name = name, DataType = float64 ? 11 : 1 };
        t.Dims.AddRange(dims);
        if (raw) t.RawData = ByteString.CopyFrom([.. values.SelectMany(v => BitConverter.GetBytes((float)v))]);
        else if (float64) t.DoubleData.AddRange(values);
        else t.FloatData.AddRange(values.Select(v => (float)v));
        return t;
    }

    private static NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = $"{op}_{output}", Output = { output } };
        n.Input.AddRange(inputs);
        n.Attribute.AddRange(attributes);
        return n;
    }

    private static AttributeProto F(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };
    private static AttributeProto I(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };

    private static ModelProto Model(int inputs, bool float64, int opset, IEnumerable<TensorProto> initializers, params NodeProto[] nodes)
    {
        int type = float64 ? 11 : 1;
        var g = new GraphProto { Name = "g" };
        g.Initializer.AddRange(initializers);
        g.Node.AddRange(nodes);
        g.Input.Add(new ValueInfoProto
        {
            Name = "x",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "batch" }, new TensorShapeProto.Types.Dimension { DimValue = inputs } } } } },
        });
        g.Output.Add(new ValueInfoProto { Name = nodes[^1].Output[0], Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type } } });
        return new ModelProto { IrVersion = 8, Graph = g, OpsetImport = { new OperatorSetIdProto { Domain = "", Version = opset } } };
    }

    private static double[] Values(int n, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => 2 * rng.NextDouble() - 1)];
    }

    public static TheoryData<string> Cases() => ["gemm-transB-alpha-beta", "gemm-scalar-bias-leaky", "matmul-bias-first-double", "constant-weight-identity"];

    private static (ModelProto Model, int Inputs, bool Float64) Case(string name) => name switch
    {
        "gemm-transB-alpha-beta" => (Model(3, false, 13, [Init("W", [4, 3], Values(12, 1), false), Init("C", [1, 4], Values(4, 2), false)],
            Node("Gemm", ["x", "W", "C"], "y", F("alpha", 0.5f), F("beta", 2f), I("transB", 1)), Node("Tanh", ["y"], "out")), 3, false),
        "gemm-scalar-bias-leaky" => (Model(2, false, 17, [Init("W1", [2, 3], Values(6, 3), false, raw: true), Init("c", [1], [0.25], false), Init("W2", [3, 2], Values(6, 4), false)],
            Node("Gemm", ["x", "W1", "c"], "h", F("alpha", 1.5f)), Node("LeakyRelu", ["h"], "a", F("alpha", 0.3f)), Node("Gemm", ["a", "W2"], "out")), 2, false),
        "matmul-bias-first-double" => (Model(3, true, 15, [Init("W", [3, 2], Values(6, 5), true), Init("b", [2], Values(2, 6), true)],
            Node("MatMul", ["x", "W"], "m"), Node("Add", ["b", "m"], "y"), Node("Relu", ["y"], "out")), 3, true),
        _ => (Model(2, false, 14, [Init("b", [2], Values(2, 7), false)],
            new NodeProto { OpType = "Constant", Name = "w", Output = { "W" }, Attribute = { new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = Init("", [2, 2], Values(4, 8), false) } } },
            Node("Identity", ["W"], "W2"), Node("Gemm", ["x", "W2", "b"], "y"), Node("Identity", ["y"], "z"), Node("Sigmoid", ["z"], "out")), 2, false),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Import_AgreesWithOnnxRuntime(string name)
    {
        var (model, inputs, float64) = Case(name);
        using var dir = new TempDir();
        File.WriteAllBytes(dir["m.onnx"], model.ToByteArray());
        var spec = NetworkFiles.Read(dir["m.onnx"]);
        var x = RandomNets.Batch(3, inputs, 9);
        var ours = spec.Build<double>().Forward(Matrix<double>.FromRows(x)).ToRows();

        using var session = new InferenceSession(dir["m.onnx"]);
        var flat = x.SelectMany(r => r).ToArray();
        using var results = float64
            ? session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<double>(flat, [3, inputs]))])
            : session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(flat.Select(v => (float)v).ToArray(), [3, inputs]))]);
        var values = float64 ? results[0].AsTensor<double>().ToArray() : [.. results[0].AsTensor<float>().ToArray().Select(v => (double)v)];
        int m = values.Length / 3;
        Tools.Close(ours, [.. Enumerable.Range(0, 3).Select(i => values[(i * m)..((i + 1) * m)])], 1e-5, name);
    }

    [Fact]
    public void Identity_OnTheChain_IsALayer_AndConstantWeightsAreFollowed()
    {
        var (model, _, _) = Case("constant-weight-identity");
        using var dir = new TempDir();
        File.WriteAllBytes(dir["m.onnx"], model.ToByteArray());
        Assert.Equal(["dense", "identity", "sigmoid"], NetworkFiles.Read(dir["m.onnx"]).Layers.Select(l => l.Type));
    }

    public static TheoryData<string, string> Refusals() => new()
    {
        { "transA", "has transA = 1" },
        { "opset 12", "uses opset 12; backprop reads opsets 13 to 17" },
        { "branch", "is not on the chain from the input" },
        { "softmax axis 0", "Softmax over axis 0" },
        { "weight shape", "takes 5 inputs but the graph input has 3" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void BadGraphs_AreRefusedWithOneLine(string what, string message)
    {
        var w = Init("W", [3, 2], Values(6, 1), false);
        var model = what switch
        {
            "transA" => Model(3, false, 13, [w], Node("Gemm", ["x", "W"], "out", I("transA", 1))),
            "opset 12" => Model(3, false, 12, [w], Node("Gemm", ["x", "W"], "out")),
            "branch" => Model(3, false, 13, [w], Node("Relu", ["x"], "r"), Node("Gemm", ["x", "W"], "g"), Node("Add", ["r", "g"], "out")),
            "softmax axis 0" => Model(3, false, 13, [w], Node("Gemm", ["x", "W"], "g"), Node("Softmax", ["g"], "out", I("axis", 0))),
            _ => Model(3, false, 13, [Init("W", [5, 2], Values(10, 1), false)], Node("Gemm", ["x", "W"], "out")),
        };
        using var dir = new TempDir();
        File.WriteAllBytes(dir["bad.onnx"], model.ToByteArray());
        var e = Assert.Throws<BackpropException>(() => NetworkFiles.Read(dir["bad.onnx"]));
        Assert.StartsWith(dir["bad.onnx"] + ": ", e.Message);
        Assert.Contains(message, e.Message);
    }
}
