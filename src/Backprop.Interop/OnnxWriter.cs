using System.Buffers.Binary;
using System.Reflection;
using Backprop.IO;
using Backprop.Model;
using Google.Protobuf;
using Onnx;

namespace Backprop.Interop;

/// <summary>
/// Writes a network as ONNX (opset 17): one input <c>input</c> [N, inputs] with N dynamic, one output
/// <c>output</c> [N, outputs]; each dense layer a Gemm with W as stored here ([inputs, outputs], transB = 0),
/// each activation its ONNX op. The loss is no node (the graph computes the network's outputs, as our forward
/// pass does); it is kept in the model's metadata so that importing the file gives it back.
/// </summary>
internal static class OnnxWriter
{
    public const int Opset = 17;
    private const int IrVersion = 8; // the IR version of opset 17

    public static void Write(NetworkSpec spec, Stream stream, bool float64)
    {
        spec = NetworkSafetensors.WithWeights(spec);
        if (spec.Layers.Count == 0) throw new BackpropException("a network without layers cannot be written as ONNX");
        spec.Build<double>(); // refuses unknown types and shapes that do not chain, with the same messages as everywhere
        var elementType = (int)(float64 ? TensorProto.Types.DataType.Double : TensorProto.Types.DataType.Float);
        var graph = new GraphProto { Name = "backprop" };
        int inputs = -1, outputs = -1;
        string current = "input";
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            string output = i == spec.Layers.Count - 1 ? "output" : $"layers.{i}";
            var node = new NodeProto { Name = $"layers.{i}.{layer.Type}", Output = { output }, Input = { current } };
            switch (layer.Type)
            {
                case "dense":
                    var w = layer.Weights!;
                    int n = w.Length, m = layer.Bias!.Length;
                    if (inputs < 0) inputs = n;
                    outputs = m;
                    node.OpType = "Gemm";
                    node.Input.Add($"layers.{i}.weight");
                    node.Input.Add($"layers.{i}.bias");
                    graph.Initializer.Add(Tensor($"layers.{i}.weight", [n, m], w.SelectMany(row => row).ToArray(), float64));
                    graph.Initializer.Add(Tensor($"layers.{i}.bias", [m], layer.Bias, float64));
                    break;
                case "leaky_relu":
                    node.OpType = "LeakyRelu";
                    node.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = (float)(layer.Slope ?? 0.01) });
                    break;
                default:
                    node.OpType = layer.Type switch { "identity" => "Identity", "sigmoid" => "Sigmoid", "tanh" => "Tanh", "relu" => "Relu", _ => throw new BackpropException($"layer {i}: type '{layer.Type}' has no ONNX op here") };
                    break;
            }
            graph.Node.Add(node);
            current = output;
        }
        if (inputs < 0) throw new BackpropException("a network without a dense layer has no size to write as ONNX");
        graph.Input.Add(Value("input", elementType, inputs));
        graph.Output.Add(Value("output", elementType, outputs));
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "backprop",
            ProducerVersion = typeof(OnnxWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0",
            DocString = "A multilayer perceptron exported by backprop.",
            Graph = graph,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = Opset } },
            MetadataProps = { new StringStringEntryProto { Key = OnnxReader.LossKey, Value = spec.Loss } },
        };
        if (spec.TrainedOn is { } on)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxReader.TrainedOnDataKey, Value = on.Data });
            model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxReader.TrainedOnSeedKey, Value = on.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        model.WriteTo(stream);
    }

    private static TensorProto Tensor(string name, long[] dims, double[] values, bool float64)
    {
        int size = float64 ? 8 : 4;
        var raw = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            if (float64) BinaryPrimitives.WriteDoubleLittleEndian(raw.AsSpan(i * 8), values[i]);
            else BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), (float)values[i]);
        }
        var t = new TensorProto { Name = name, DataType = (int)(float64 ? TensorProto.Types.DataType.Double : TensorProto.Types.DataType.Float), RawData = ByteString.CopyFrom(raw) };
        t.Dims.AddRange(dims);
        return t;
    }

    private static ValueInfoProto Value(string name, int elementType, int size) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = elementType,
                Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimParam = "N" }, new TensorShapeProto.Types.Dimension { DimValue = size } } },
            },
        },
    };
}
