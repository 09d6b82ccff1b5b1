using System.Globalization;
using Backprop.Model;

namespace Backprop.IO;

/// <summary>
/// A network as safetensors, named like the state dict of the equivalent PyTorch <c>nn.Sequential</c>: every
/// layer, dense or activation, is one module in order, so the dense layer at position i is <c>i.weight</c> of shape
/// [outputs, inputs] (PyTorch's Linear stores Wᵀ) and <c>i.bias</c>. <c>__metadata__</c> keeps the architecture, the
/// loss and <c>trained_on</c> as network JSON without weights, so that our own files read back with nothing else given.
/// </summary>
public static class NetworkSafetensors
{
    /// <summary>The metadata key that holds the architecture (network JSON without weights).</summary>
    public const string NetworkKey = "backprop.network";

    /// <summary>Writes <paramref name="spec"/> (initialized first if it has no weights) as F32, or F64 when <paramref name="float64"/>.</summary>
    public static void Save(NetworkSpec spec, string path, bool float64 = false) =>
        AtomicFile.Write(path, stream => Write(spec, stream, float64));

    /// <summary>Writes <paramref name="spec"/> to a stream; see <see cref="Save"/>.</summary>
    public static void Write(NetworkSpec spec, Stream stream, bool float64 = false)
    {
        spec = WithWeights(spec);
        spec.Build<double>(); // refuses unknown types and shapes that do not chain, with the same messages as everywhere
        var tensors = new List<SafetensorsTensor>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (spec.Layers[i] is not { Type: "dense", Weights: { } w, Bias: { } b }) continue;
            int inputs = w.Length, outputs = b.Length;
            var transposed = new double[outputs * inputs];
            for (int r = 0; r < inputs; r++)
                for (int c = 0; c < outputs; c++) transposed[c * inputs + r] = w[r][c];
            tensors.Add(new SafetensorsTensor($"{i}.weight", [outputs, inputs], transposed));
            tensors.Add(new SafetensorsTensor($"{i}.bias", [outputs], (double[])b.Clone()));
        }
        var architecture = new NetworkSpec([.. spec.Layers.Select(l => l with { Weights = null, Bias = null, Init = null })], spec.Loss) { TrainedOn = spec.TrainedOn };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", [NetworkKey] = NetworkJson.Write(architecture) };
        Safetensors.Write(stream, tensors, metadata, float64);
    }

    /// <summary>
    /// Reads a network from safetensors bytes. With our metadata the architecture and loss come from it; without
    /// (a PyTorch state dict), dense layers come from the <c>N.weight</c>/<c>N.bias</c> shapes in module order, and
    /// a gap of one module between two dense layers is <paramref name="activation"/>; the loss is
    /// <paramref name="loss"/>, or half_sse.
    /// </summary>
    public static NetworkSpec Read(byte[] file, string source, string? activation = null, string? loss = null)
    {
        var (tensors, metadata) = Safetensors.Read(file, source);
        var byName = new Dictionary<string, SafetensorsTensor>();
        foreach (var t in tensors) byName[t.Name] = t;
        foreach (var t in tensors)
            foreach (double v in t.Values)
                if (!double.IsFinite(v)) throw new BackpropException($"{source}: tensor \"{t.Name}\" holds {v}");

        var spec = metadata.TryGetValue(NetworkKey, out string? json)
            ? FromMetadata(NetworkJson.Parse(json, $"{source}: {NetworkKey} metadata"), byName, source)
            : FromStateDict(byName, activation, source);
        if (byName.Count > 0) throw new BackpropException($"{source}: tensor \"{byName.Keys.First()}\" belongs to no dense layer of the network");
        return loss is null ? spec : spec with { Loss = loss };
    }

    private static NetworkSpec FromMetadata(NetworkSpec architecture, Dictionary<string, SafetensorsTensor> tensors, string source)
    {
        var layers = new List<LayerSpec>();
        int? previous = null;
        for (int i = 0; i < architecture.Layers.Count; i++)
        {
            var layer = architecture.Layers[i];
            if (layer.Type != "dense") { layers.Add(layer); continue; }
            var dense = Dense(tensors, $"{i}.", source, previous);
            if ((layer.Inputs is { } n && n != dense.Inputs) || (layer.Outputs is { } m && m != dense.Outputs))
                throw new BackpropException($"{source}: tensor \"{i}.weight\" is [{dense.Outputs}, {dense.Inputs}] but the metadata says layer {i} is {layer.Inputs}→{layer.Outputs}");
            layers.Add(dense);
            previous = dense.Outputs;
        }
        return new NetworkSpec(layers, architecture.Loss) { TrainedOn = architecture.TrainedOn };
    }

    private static NetworkSpec FromStateDict(Dictionary<string, SafetensorsTensor> tensors, string? activation, string source)
    {
        // Names are PREFIX + module index + ".weight"/".bias", as nn.Sequential (possibly inside a model) names them.
        var modules = new SortedDictionary<int, string>();
        foreach (string name in tensors.Keys)
        {
            int dot = name.LastIndexOf('.');
            string stem = dot < 0 ? "" : name[..dot];
            int indexStart = stem.LastIndexOf('.') + 1;
            if (dot < 0 || name[(dot + 1)..] is not ("weight" or "bias")
                || !int.TryParse(stem.AsSpan(indexStart), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                throw new BackpropException($"{source}: tensor \"{name}\" is not named like an nn.Sequential state dict (0.weight, 0.bias, 2.weight, ...)");
            string prefix = stem[..indexStart];
            if (modules.TryGetValue(index, out string? other) && other != prefix)
                throw new BackpropException($"{source}: tensors \"{other}{index}\" and \"{prefix}{index}\" name two modules {index}");
            modules[index] = prefix;
            if (modules.Values.Any(p => p != prefix)) throw new BackpropException($"{source}: tensor \"{name}\" is outside the one nn.Sequential of the other tensors");
        }
        if (modules.Count == 0) throw new BackpropException($"{source}: holds no tensors, so no dense layer");

        var layers = new List<LayerSpec>();
        int? previousIndex = null, previousOutputs = null;
        foreach (var (index, prefix) in modules)
        {
            if (previousIndex is { } p)
            {
                int gap = index - p - 1;
                if (gap > 1) throw new BackpropException($"{source}: {gap} modules without weights between \"{prefix}{p}\" and \"{prefix}{index}\"; backprop reads one activation between dense layers");
                if (gap == 1)
                {
                    if (activation is null)
                        throw new BackpropException("activation", $"{source}: has no backprop metadata, so the activation between its dense layers (module {p + 1}) must be named");
                    layers.Add(new LayerSpec(activation));
                }
            }
            var dense = Dense(tensors, $"{prefix}{index}.", source, previousOutputs);
            layers.Add(dense);
            (previousIndex, previousOutputs) = (index, dense.Outputs);
        }
        return new NetworkSpec(layers, "half_sse");
    }

    /// <summary>The dense layer of tensors <c>{name}weight</c> [out, in] and optional <c>{name}bias</c> [out]; takes them out of <paramref name="tensors"/>.</summary>
    private static LayerSpec Dense(Dictionary<string, SafetensorsTensor> tensors, string name, string source, int? inputs)
    {
        if (!tensors.Remove(name + "weight", out var weight)) throw new BackpropException($"{source}: missing tensor \"{name}weight\"");
        if (weight.Shape.Length != 2 || weight.Shape[0] < 1 || weight.Shape[1] < 1)
            throw new BackpropException($"{source}: tensor \"{name}weight\" has shape [{string.Join(", ", weight.Shape)}], expected [outputs, inputs]");
        int outputs = weight.Shape[0], n = weight.Shape[1];
        if (inputs is { } expected && expected != n)
            throw new BackpropException($"{source}: tensor \"{name}weight\" takes {n} inputs but the layer before gives {expected}");
        var w = new double[n][];
        for (int i = 0; i < n; i++)
        {
            w[i] = new double[outputs];
            for (int j = 0; j < outputs; j++) w[i][j] = weight.Values[j * n + i];
        }
        var bias = new double[outputs];
        if (tensors.Remove(name + "bias", out var b))
        {
            if (b.Shape is not [var m] || m != outputs)
                throw new BackpropException($"{source}: tensor \"{name}bias\" has shape [{string.Join(", ", b.Shape)}], expected [{outputs}]");
            bias = b.Values;
        }
        return new LayerSpec("dense") { Inputs = n, Outputs = outputs, Weights = w, Bias = bias };
    }

    /// <summary>The spec with every dense layer's weights and bias filled in (built from its init and seed where missing).</summary>
    public static NetworkSpec WithWeights(NetworkSpec spec) =>
        spec.Layers.Any(l => l.Type == "dense" && (l.Weights is null || l.Bias is null)) ? NetworkSpec.From(spec.Build<double>(), spec.Seed) : spec;
}
