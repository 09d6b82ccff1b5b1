using System.Numerics;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;

namespace Backprop.Model;

/// <summary>One layer as the network format describes it (see docs/network-format.md).</summary>
public sealed record LayerSpec(string Type)
{
    public int? Inputs { get; init; }
    public int? Outputs { get; init; }
    public double[][]? Weights { get; init; }
    public double[]? Bias { get; init; }
    public string? Init { get; init; }
    public double? Slope { get; init; }
}

/// <summary>
/// A network independent of precision: what the JSON format holds. <see cref="Build{T}"/> makes a
/// float or double <see cref="Network{T}"/> of it; <see cref="From{T}"/> reads one back.
/// </summary>
public sealed record NetworkSpec(IReadOnlyList<LayerSpec> Layers, string Loss, int? Seed = null)
{
    public const string Format = "backprop.network/1";
    public const string DefaultInit = "xavier";

    public static readonly string[] ActivationTypes = ["identity", "sigmoid", "tanh", "relu", "leaky_relu"];

    /// <summary>A multilayer perceptron: sizes like 784-256-128-10, one activation between dense layers, none after the last.</summary>
    public static NetworkSpec Mlp(IReadOnlyList<int> sizes, string activation, string loss, string? init = null, int seed = 1)
    {
        if (sizes.Count < 2) throw new BackpropException("layer sizes", "layer sizes need at least two values, such as 2-1");
        if (Array.IndexOf(ActivationTypes, activation) < 0)
            throw new BackpropException($"unknown activation '{activation}' (expected one of: {string.Join(", ", ActivationTypes)})");
        init ??= activation is "relu" or "leaky_relu" ? "he" : "xavier";
        var layers = new List<LayerSpec>();
        for (int i = 0; i + 1 < sizes.Count; i++)
        {
            if (i > 0) layers.Add(new LayerSpec(activation));
            layers.Add(new LayerSpec("dense") { Inputs = sizes[i], Outputs = sizes[i + 1], Init = init });
        }
        return new NetworkSpec(layers, loss, seed);
    }

    public Network<T> Build<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(Seed ?? 0);
        var layers = new List<Layer<T>>();
        for (int i = 0; i < Layers.Count; i++) layers.Add(BuildLayer<T>(Layers[i], i, rng));
        return new Network<T>(layers, Loss<T>.Create(Loss));
    }

    private static Layer<T> BuildLayer<T>(LayerSpec spec, int index, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (spec.Type)
        {
            case "dense": return BuildDense<T>(spec, index, rng);
            case "identity": return new Identity<T>();
            case "sigmoid": return new Sigmoid<T>();
            case "tanh": return new Tanh<T>();
            case "relu": return new Relu<T>();
            case "leaky_relu": return new LeakyRelu<T>(spec.Slope ?? 0.01);
            default:
                throw new BackpropException($"layer {index}: unknown type '{spec.Type}' (expected dense, {string.Join(", ", ActivationTypes)})");
        }
    }

    private static Dense<T> BuildDense<T>(LayerSpec spec, int index, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inputs = spec.Inputs ?? spec.Weights?.Length ?? throw new BackpropException($"layer {index}: dense needs \"inputs\" (or weights)");
        int outputs = spec.Outputs ?? (spec.Weights is { Length: > 0 } w ? w[0].Length : spec.Bias?.Length)
            ?? throw new BackpropException($"layer {index}: dense needs \"outputs\" (or weights)");
        if (inputs < 1 || outputs < 1) throw new BackpropException($"layer {index}: dense sizes must be positive, got {inputs}→{outputs}");
        var dense = new Dense<T>(inputs, outputs);
        if (spec.Weights is { } weights)
        {
            if (weights.Length != inputs)
                throw new BackpropException($"layer {index}: weights has {weights.Length} rows but the layer has {inputs} inputs (weights[i][j] joins input i to output j)");
            for (int i = 0; i < inputs; i++)
            {
                if (weights[i].Length != outputs)
                    throw new BackpropException($"layer {index}: weights row {i} has {weights[i].Length} values but the layer has {outputs} outputs");
                for (int j = 0; j < outputs; j++) dense.Weights.Value[i, j] = T.CreateChecked(weights[i][j]);
            }
        }
        else
        {
            Initializer.Fill(dense.Weights.Value, spec.Init ?? DefaultInit, rng);
        }
        if (spec.Bias is { } bias)
        {
            if (bias.Length != outputs) throw new BackpropException($"layer {index}: bias has {bias.Length} values but the layer has {outputs} outputs");
            for (int j = 0; j < outputs; j++) dense.Bias.Value[0, j] = T.CreateChecked(bias[j]);
        }
        return dense;
    }

    /// <summary>The current weights of a network, as a spec that rebuilds it exactly.</summary>
    public static NetworkSpec From<T>(Network<T> network, int? seed = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layers = network.Layers.Select(layer => layer switch
        {
            Dense<T> d => new LayerSpec("dense")
            {
                Inputs = d.Inputs,
                Outputs = d.Outputs,
                Weights = d.Weights.Value.ToRows(),
                Bias = d.Bias.Value.ToRows()[0],
            },
            LeakyRelu<T> l => new LayerSpec(l.Type) { Slope = l.Slope },
            _ => new LayerSpec(layer.Type),
        }).ToList();
        return new NetworkSpec(layers, network.Loss.Name, seed);
    }
}
