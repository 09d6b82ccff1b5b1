using System.Buffers.Binary;
using System.Globalization;
using Backprop.Model;
using Google.Protobuf;
using Onnx;

namespace Backprop.Interop;

/// <summary>
/// Reads the ONNX graph of a multilayer perceptron, as <c>torch.onnx.export</c> writes an <c>nn.Sequential</c>, into
/// a <see cref="NetworkSpec"/>: a chain from the one input to the one output of Gemm (or MatMul + Add) and
/// activation nodes, an optional leading Flatten, and an optional trailing Softmax/LogSoftmax that becomes the
/// cross-entropy loss. Everything else is refused with one line naming the node and its op.
/// </summary>
internal static class OnnxReader
{
    public const string LossKey = "backprop.loss";

    /// <summary>The metadata keys that keep a network's <c>trained_on</c> (its data set and seed), so that <c>eval</c> finds it after a round trip.</summary>
    public const string TrainedOnDataKey = "backprop.trained_on.data", TrainedOnSeedKey = "backprop.trained_on.seed";
    private const string Supported = "Gemm, MatMul, Add, Relu, Sigmoid, Tanh, LeakyRelu, Identity, Flatten, Softmax, LogSoftmax";
    private static readonly HashSet<string> SupportedOps = [.. Supported.Split(", ")];
    private const long MaxElements = 1L << 28;

    public static NetworkSpec Read(byte[] bytes, string source, bool namedOnnx)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new BackpropException(namedOnnx
                ? $"{source}: not a valid ONNX file ({e.Message.Split('.')[0]})"
                : $"{source}: not a network file: neither network JSON, safetensors nor ONNX");
        }
        return new Walk(model, source).Run();
    }

    private sealed class Walk(ModelProto model, string source)
    {
        private readonly Dictionary<string, TensorProto> _constants = [];
        private readonly List<LayerSpec> _layers = [];
        private int _lastOutputs = -1;
        private int? _inputs;
        private bool _openMatMul;

        public NetworkSpec Run()
        {
            CheckOpset();
            var graph = model.Graph ?? throw Fail("has no graph");
            foreach (var t in graph.Initializer)
                if (!_constants.TryAdd(t.Name, t)) throw Fail($"initializer \"{t.Name}\" is defined twice");
            var inputs = graph.Input.Where(i => !_constants.ContainsKey(i.Name)).ToList();
            if (inputs.Count != 1) throw Fail($"has {inputs.Count} graph inputs besides initializers; backprop reads one");
            if (graph.Output.Count != 1) throw Fail($"has {graph.Output.Count} graph outputs; backprop reads one");
            var inputShape = Shape(inputs[0]);

            var defined = new HashSet<string>(_constants.Keys) { inputs[0].Name };
            string current = inputs[0].Name;
            string? loss = null;
            for (int k = 0; k < graph.Node.Count; k++)
            {
                var node = graph.Node[k];
                string name = node.Name.Length > 0 ? node.Name : $"#{k}";
                foreach (string input in node.Input)
                    if (input.Length > 0 && !defined.Contains(input)) throw Fail($"node \"{name}\" reads \"{input}\", which no earlier node or initializer defines");
                foreach (string output in node.Output)
                    if (!defined.Add(output)) throw Fail($"node \"{name}\" writes \"{output}\", which is already defined");
                if (node.Domain is not ("" or "ai.onnx")) throw Unsupported(node, name);
                if (Constant(node, name)) continue;
                if (!SupportedOps.Contains(node.OpType)) throw Unsupported(node, name);
                if (loss is not null) throw Fail($"node \"{name}\" ({node.OpType}) comes after the final {(loss == "softmax" ? "Softmax" : "LogSoftmax")}");
                if (node.Output.Count != 1) throw Fail($"node \"{name}\" ({node.OpType}) has {node.Output.Count} outputs; backprop reads a chain of one-output nodes");
                var chained = node.Input.Where(i => i.Length > 0 && !_constants.ContainsKey(i)).ToList();
                if (chained.Count != 1 || chained[0] != current)
                    throw Fail($"node \"{name}\" ({node.OpType}) is not on the chain from the input (the graph must be a chain of layers)");
                if (node.OpType is "Softmax" or "LogSoftmax")
                {
                    if (Int(node, "axis", -1) is not (-1 or 1)) throw Fail($"node \"{name}\": {node.OpType} over axis {Int(node, "axis", -1)}; backprop reads it over the last axis");
                    loss = node.OpType == "Softmax" ? "softmax" : "log_softmax";
                }
                else
                {
                    int arity = node.OpType switch { "Gemm" => node.Input.Count is 2 or 3 ? node.Input.Count : -1, "MatMul" or "Add" => 2, _ => 1 };
                    if (node.Input.Count != arity) throw Fail($"node \"{name}\" ({node.OpType}) has {node.Input.Count} inputs");
                    Layer(node, name, inputShape);
                }
                current = node.Output[0];
            }
            if (current != graph.Output[0].Name) throw Fail($"graph output \"{graph.Output[0].Name}\" is not the end of the chain of layers");
            if (_lastOutputs < 0) throw Fail("has no Gemm or MatMul node, so no dense layer");
            string lossName = loss is not null ? "cross_entropy"
                : model.MetadataProps.FirstOrDefault(p => p.Key == LossKey)?.Value ?? "half_sse";
            if (Array.IndexOf(Losses.Loss<double>.Names, lossName) < 0) throw Fail($"metadata {LossKey} is '{lossName}', not a loss backprop knows");
            return new NetworkSpec(_layers, lossName) { TrainedOn = ReadTrainedOn() };
        }

        private TrainedOn? ReadTrainedOn()
        {
            string? data = model.MetadataProps.FirstOrDefault(p => p.Key == TrainedOnDataKey)?.Value;
            if (data is null) return null;
            string seed = model.MetadataProps.FirstOrDefault(p => p.Key == TrainedOnSeedKey)?.Value ?? "1";
            return int.TryParse(seed, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int s)
                ? new TrainedOn(data, s)
                : throw Fail($"metadata {TrainedOnSeedKey} is '{seed}', not a whole number");
        }

        private void CheckOpset()
        {
            var opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")
                ?? throw Fail("imports no ONNX opset");
            if (opset.Version is < 13 or > 17) throw Fail($"uses opset {opset.Version}; backprop reads opsets 13 to 17");
        }

        /// <summary>Constant, and Identity of a constant (torch shares equal initializers that way), define constants, not layers.</summary>
        private bool Constant(NodeProto node, string name)
        {
            if (node.OpType == "Constant")
            {
                if (node.Output.Count != 1 || node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is not { } value)
                    throw Fail($"node \"{name}\" (Constant) has no tensor value");
                _constants[node.Output[0]] = value;
                return true;
            }
            if (node.OpType == "Identity" && node.Input.Count == 1 && node.Output.Count == 1 && _constants.TryGetValue(node.Input[0], out var t))
            {
                _constants[node.Output[0]] = t;
                return true;
            }
            return false;
        }

        private void Layer(NodeProto node, string name, int?[]? inputShape)
        {
            switch (node.OpType)
            {
                case "Flatten":
                    if (_layers.Count > 0) throw Fail($"node \"{name}\" (Flatten) is not at the start; backprop reads a Flatten only before the first layer");
                    if (Int(node, "axis", 1) != 1) throw Fail($"node \"{name}\" (Flatten) has axis {Int(node, "axis", 1)}; backprop reads axis 1");
                    if (inputShape is { Length: > 1 } && inputShape.Skip(1).All(d => d is not null))
                        _inputs = checked((int)inputShape.Skip(1).Aggregate(1L, (p, d) => Math.Min(p * d!.Value, int.MaxValue)));
                    return;
                case "Gemm": Gemm(node, name, inputShape); return;
                case "MatMul":
                    {
                        var (dims, b) = Tensor(node.Input[1], name, node.Input[0]);
                        if (dims.Length != 2) throw Fail($"node \"{name}\" (MatMul): weight \"{node.Input[1]}\" has {dims.Length} dimensions, expected [inputs, outputs]");
                        int n = Dim(dims[0]), m = Dim(dims[1]);
                        AddDense(name, n, m, (i, j) => b[i * m + j], new double[m], inputShape);
                        _openMatMul = true;
                        return;
                    }
                case "Add":
                    {
                        if (!_openMatMul) throw Fail($"node \"{name}\" (Add) does not follow a MatMul; backprop reads Add only as the bias of MatMul");
                        string constant = node.Input.Single(_constants.ContainsKey);
                        var (dims, c) = Tensor(constant, name, null);
                        var bias = Bias(dims, c, _lastOutputs, 1.0, name, constant);
                        _layers[^1] = _layers[^1] with { Bias = bias };
                        _openMatMul = false;
                        return;
                    }
                case "Relu": Activation(new LayerSpec("relu")); return;
                case "Sigmoid": Activation(new LayerSpec("sigmoid")); return;
                case "Tanh": Activation(new LayerSpec("tanh")); return;
                case "Identity": Activation(new LayerSpec("identity")); return;
                case "LeakyRelu":
                    {
                        float alpha = Float(node, "alpha", 0.01f);
                        if (!float.IsFinite(alpha)) throw Fail($"node \"{name}\" (LeakyRelu) has alpha {alpha}");
                        // The shortest decimal of the float (0.2f reads as 0.2, not 0.20000000298...).
                        Activation(new LayerSpec("leaky_relu") { Slope = double.Parse(alpha.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) });
                        return;
                    }
                default: throw Unsupported(node, name);
            }
        }

        private void Activation(LayerSpec layer)
        {
            _openMatMul = false;
            _layers.Add(layer);
        }

        private void Gemm(NodeProto node, string name, int?[]? inputShape)
        {
            if (_constants.ContainsKey(node.Input[0]))
                throw Fail($"node \"{name}\" (Gemm) must take the layer input as A and a constant weight as B");
            if (Int(node, "transA", 0) != 0) throw Fail($"node \"{name}\" (Gemm) has transA = 1; backprop reads X·W with X untransposed");
            bool transB = Int(node, "transB", 0) != 0;
            double alpha = Float(node, "alpha", 1f), beta = Float(node, "beta", 1f);
            if (!double.IsFinite(alpha) || !double.IsFinite(beta)) throw Fail($"node \"{name}\" (Gemm) has alpha {alpha}, beta {beta}");
            var (dims, b) = Tensor(node.Input[1], name, node.Input[0]);
            if (dims.Length != 2) throw Fail($"node \"{name}\" (Gemm): B \"{node.Input[1]}\" has {dims.Length} dimensions, expected 2");
            int n = Dim(transB ? dims[1] : dims[0]), m = Dim(transB ? dims[0] : dims[1]);
            var bias = new double[m];
            if (node.Input.Count > 2 && node.Input[2].Length > 0)
            {
                var (cDims, c) = Tensor(node.Input[2], name, null);
                bias = Bias(cDims, c, m, beta, name, node.Input[2]);
            }
            AddDense(name, n, m, transB ? (i, j) => alpha * b[j * n + i] : (i, j) => alpha * b[i * m + j], bias, inputShape);
            _openMatMul = false;
        }

        private void AddDense(string name, int n, int m, Func<int, int, double> weight, double[] bias, int?[]? inputShape)
        {
            if (_lastOutputs < 0 && _inputs is null && inputShape is { Length: not 2 })
                throw Fail($"graph input has {inputShape.Length} dimensions; backprop reads [batch, inputs] (or a leading Flatten)");
            int expected = _lastOutputs >= 0 ? _lastOutputs : _inputs ?? (inputShape is [_, { } d] ? d : n);
            if (n != expected)
                throw Fail($"node \"{name}\" takes {n} inputs but {(_lastOutputs >= 0 ? "the layer before gives" : "the graph input has")} {expected}");
            var w = new double[n][];
            for (int i = 0; i < n; i++)
            {
                w[i] = new double[m];
                for (int j = 0; j < m; j++) w[i][j] = weight(i, j);
            }
            _layers.Add(new LayerSpec("dense") { Inputs = n, Outputs = m, Weights = w, Bias = bias });
            _lastOutputs = m;
        }

        private double[] Bias(long[] dims, double[] c, int m, double beta, string name, string tensor)
        {
            // The bias broadcasts over the batch: [m], [1, m], or one value for all outputs.
            bool ok = (dims is [var a] && a == m) || (dims is [1, var b] && b == m) || c.Length == 1;
            if (!ok) throw Fail($"node \"{name}\": bias \"{tensor}\" has shape [{string.Join(", ", dims)}], expected [{m}]");
            var bias = new double[m];
            for (int j = 0; j < m; j++) bias[j] = beta * (c.Length == 1 ? c[0] : c[j]);
            return bias;
        }

        private (long[] Dims, double[] Values) Tensor(string tensorName, string node, string? notInput)
        {
            if (tensorName == notInput || !_constants.TryGetValue(tensorName, out var t))
                throw Fail($"node \"{node}\": \"{tensorName}\" is not a constant weight (an initializer)");
            return Decode(t, tensorName);
        }

        private (long[] Dims, double[] Values) Decode(TensorProto t, string tensorName)
        {
            string where = $"initializer \"{tensorName}\"";
            if (t.DataLocation == TensorProto.Types.DataLocation.External) throw Fail($"{where} keeps its data in an external file, which backprop does not read");
            long count = 1;
            foreach (long d in t.Dims)
            {
                if (d < 0 || d > int.MaxValue) throw Fail($"{where} has dimension {d}");
                count *= d;
                if (count > MaxElements) throw Fail($"{where} has more than {MaxElements} elements");
            }
            var dims = t.Dims.ToArray();
            int size = t.DataType switch { (int)TensorProto.Types.DataType.Float => 4, (int)TensorProto.Types.DataType.Double => 8, _ => 0 };
            if (size == 0) throw Fail($"{where} has data type {t.DataType}; backprop reads float (1) and double (11)");
            var values = new double[count];
            if (t.HasRawData)
            {
                if (t.RawData.Length != count * size) throw Fail($"{where} is [{string.Join(", ", dims)}] but raw_data holds {t.RawData.Length} bytes, not {count * size}");
                var raw = t.RawData.Span;
                for (int i = 0; i < count; i++)
                    values[i] = size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]) : BinaryPrimitives.ReadDoubleLittleEndian(raw[(i * 8)..]);
            }
            else if (size == 4)
            {
                if (t.FloatData.Count != count) throw Fail($"{where} is [{string.Join(", ", dims)}] but float_data holds {t.FloatData.Count} values");
                for (int i = 0; i < count; i++) values[i] = t.FloatData[i];
            }
            else
            {
                if (t.DoubleData.Count != count) throw Fail($"{where} is [{string.Join(", ", dims)}] but double_data holds {t.DoubleData.Count} values");
                for (int i = 0; i < count; i++) values[i] = t.DoubleData[i];
            }
            foreach (double v in values)
                if (!double.IsFinite(v)) throw Fail($"{where} holds {v}");
            return (dims, values);
        }

        private int Dim(long d) => d is >= 1 and <= int.MaxValue ? (int)d : throw Fail($"has a layer of size {d}");

        /// <summary>The input's dimensions (null where dynamic), or null when the graph does not say.</summary>
        private int?[]? Shape(ValueInfoProto input)
        {
            if (input.Type?.TensorType is not { } tensor) return null;
            if (tensor.HasElemType && tensor.ElemType is not ((int)TensorProto.Types.DataType.Float or (int)TensorProto.Types.DataType.Double))
                throw Fail($"graph input \"{input.Name}\" has element type {tensor.ElemType}; backprop reads float (1) and double (11)");
            if (tensor.Shape is null) return null;
            return [.. tensor.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue is >= 1 and <= int.MaxValue ? (int?)d.DimValue : null)];
        }

        private static long Int(NodeProto node, string attribute, long fallback) =>
            node.Attribute.FirstOrDefault(a => a.Name == attribute) is { } a ? a.I : fallback;

        private static float Float(NodeProto node, string attribute, float fallback) =>
            node.Attribute.FirstOrDefault(a => a.Name == attribute) is { } a ? a.F : fallback;

        private BackpropException Unsupported(NodeProto node, string name) =>
            Fail($"node \"{name}\" uses {(node.Domain is "" or "ai.onnx" ? "" : node.Domain + ".")}{node.OpType}, which backprop does not support (supported: {Supported})");

        private BackpropException Fail(string problem) => new($"{source}: {problem}");
    }
}
