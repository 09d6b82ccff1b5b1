using System.Numerics;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;

namespace Backprop.Model;

/// <summary>One layer as the network format describes it (see docs/network-format.md).</summary>
/// <param name="Type">The layer type: <c>dense</c> or an activation (<c>identity</c>, <c>sigmoid</c>, <c>tanh</c>, <c>relu</c>, <c>leaky_relu</c>).</param>
public sealed record LayerSpec(string Type)
{
    /// <summary>A dense layer: Z = X·W + b, with weights drawn by <paramref name="init"/> from the network's seed.</summary>
    /// <param name="inputs">Inputs per example.</param>
    /// <param name="outputs">Outputs per example.</param>
    /// <param name="init">How to draw the initial weights (biases start at zero).</param>
    public static LayerSpec Dense(int inputs, int outputs, InitKind init = InitKind.XavierUniform) =>
        new("dense") { Inputs = inputs, Outputs = outputs, Init = init.Name() };

    /// <summary>An activation layer: H = σ(Z).</summary>
    /// <param name="kind">Which σ.</param>
    /// <param name="slope">For <see cref="ActivationKind.LeakyRelu"/>: the slope below zero (0.01 when left out).</param>
    public static LayerSpec Activation(ActivationKind kind, double? slope = null) =>
        new(kind.Name()) { Slope = kind == ActivationKind.LeakyRelu ? slope : null };

    /// <summary>Dense: inputs per example (may be left out when <see cref="Weights"/> are given).</summary>
    public int? Inputs { get; init; }

    /// <summary>Dense: outputs per example (may be left out when <see cref="Weights"/> or <see cref="Bias"/> are given).</summary>
    public int? Outputs { get; init; }

    /// <summary>Dense: W as rows, <c>Weights[i][j]</c> joining input i to output j; null to draw them with <see cref="Init"/>.</summary>
    public double[][]? Weights { get; init; }

    /// <summary>Dense: b, one value per output; null for zeros.</summary>
    public double[]? Bias { get; init; }

    /// <summary>Dense: the initializer's name (<c>xavier</c>, <c>he</c>, …; see docs/network-format.md), used when <see cref="Weights"/> is null.</summary>
    public string? Init { get; init; }

    /// <summary>leaky_relu: the slope below zero.</summary>
    public double? Slope { get; init; }
}

/// <summary>
/// A network independent of precision: what the JSON format holds. <see cref="Build{T}"/> makes a
/// float or double <see cref="Network{T}"/> of it; <see cref="From{T}"/> reads one back.
/// </summary>
/// <param name="Layers">The layers in forward order.</param>
/// <param name="Loss">The loss's name (see <see cref="Losses.Loss{T}.Names"/>).</param>
/// <param name="Seed">The seed initial weights are drawn with (0 when null).</param>
public sealed record NetworkSpec(IReadOnlyList<LayerSpec> Layers, string Loss, int? Seed = null)
{
    /// <summary>A network of <paramref name="layers"/> trained against <paramref name="loss"/>.</summary>
    /// <param name="layers">The layers in forward order (see <see cref="LayerSpec.Dense"/> and <see cref="LayerSpec.Activation"/>).</param>
    /// <param name="loss">The loss.</param>
    /// <param name="seed">The seed initial weights are drawn with.</param>
    public NetworkSpec(IReadOnlyList<LayerSpec> layers, LossKind loss, int? seed = null) : this(layers, loss.Name(), seed) { }

    /// <summary>The value of the format field: <c>backprop.network/1</c>.</summary>
    public const string Format = "backprop.network/1";

    /// <summary>
    /// A warning about a network that computes something other than its author likely meant, or null: a
    /// last sigmoid layer before bce_with_logits, which applies the sigmoid again (the gradients are right for
    /// that composition, which is why it is a warning and not an error).
    /// </summary>
    public string? Warning => Loss == "bce_with_logits" && Layers.Count > 0 && Layers[^1].Type == "sigmoid"
        ? "the network ends in a sigmoid, but bce_with_logits applies the sigmoid itself (it takes logits): remove the last sigmoid layer, or use a squared-error loss on the sigmoid's output"
        : null;

    /// <summary>What the network was trained on (written by train, read by eval); null for a network written by hand.</summary>
    public TrainedOn? TrainedOn { get; init; }

    /// <summary>The initializer of a dense layer that names none.</summary>
    public const string DefaultInit = "xavier";

    /// <summary>The activation layer types, as the format names them.</summary>
    public static readonly string[] ActivationTypes = ["identity", "sigmoid", "tanh", "relu", "leaky_relu"];

    /// <summary>A multilayer perceptron: sizes like 784-256-128-10, one activation between dense layers, none after the last.</summary>
    /// <param name="sizes">The widths from inputs to outputs, at least two.</param>
    /// <param name="activation">σ between dense layers.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="init">The initializer; null for He with ReLU and leaky ReLU, Xavier otherwise.</param>
    /// <param name="seed">The seed initial weights are drawn with.</param>
    public static NetworkSpec Mlp(IReadOnlyList<int> sizes, ActivationKind activation, LossKind loss, InitKind? init = null, int seed = 1) =>
        Mlp(sizes, activation.Name(), loss.Name(), init?.Name(), seed);

    /// <summary>A multilayer perceptron: sizes like 784-256-128-10, one activation between dense layers, none after the last.</summary>
    /// <param name="sizes">The widths from inputs to outputs, at least two.</param>
    /// <param name="activation">σ between dense layers, by its format name (see <see cref="ActivationTypes"/>).</param>
    /// <param name="loss">The loss's format name.</param>
    /// <param name="init">The initializer's name; null for <c>he</c> with ReLU and leaky ReLU, <c>xavier</c> otherwise.</param>
    /// <param name="seed">The seed initial weights are drawn with.</param>
    /// <exception cref="BackpropException">Fewer than two sizes, or an unknown activation.</exception>
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

    /// <summary>A network of this description in precision <typeparamref name="T"/>, drawing the weights not given.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <exception cref="BackpropException">An unknown name, or sizes and weights that do not fit.</exception>
    public Network<T> Build<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(Seed ?? 0);
        var layers = new List<Layer<T>>();
        for (int i = 0, k = 0; i < Layers.Count; i++)
            layers.Add(BuildLayer<T>(Layers[i], Layers[i].Type == "dense" ? $"dense layer {++k} (layers[{i}])" : $"layers[{i}]", rng));
        return new Network<T>(layers, Loss<T>.Create(Loss));
    }

    private static Layer<T> BuildLayer<T>(LayerSpec spec, string index, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
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
                throw new BackpropException($"{index}: unknown type '{spec.Type}' (expected dense, {string.Join(", ", ActivationTypes)})");
        }
    }

    private static Dense<T> BuildDense<T>(LayerSpec spec, string index, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inputs = spec.Inputs ?? spec.Weights?.Length ?? throw new BackpropException($"{index}: dense needs \"inputs\" (or weights)");
        int outputs = spec.Outputs ?? (spec.Weights is { Length: > 0 } w ? w[0].Length : spec.Bias?.Length)
            ?? throw new BackpropException($"{index}: dense needs \"outputs\" (or weights)");
        if (inputs < 1 || outputs < 1) throw new BackpropException($"{index}: dense sizes must be positive, got {inputs}→{outputs}");
        var dense = new Dense<T>(inputs, outputs);
        if (spec.Weights is { } weights)
        {
            if (weights.Length != inputs)
                throw new BackpropException($"{index}: weights has {weights.Length} rows but the layer has {inputs} inputs (weights[i][j] joins input i to output j)");
            for (int i = 0; i < inputs; i++)
            {
                if (weights[i].Length != outputs)
                    throw new BackpropException($"{index}: weights row {i} has {weights[i].Length} values but the layer has {outputs} outputs");
                for (int j = 0; j < outputs; j++) dense.Weights.Value[i, j] = T.CreateChecked(weights[i][j]);
            }
        }
        else
        {
            Initializer.Fill(dense.Weights.Value, spec.Init ?? DefaultInit, rng);
        }
        if (spec.Bias is { } bias)
        {
            if (bias.Length != outputs) throw new BackpropException($"{index}: bias has {bias.Length} values but the layer has {outputs} outputs");
            for (int j = 0; j < outputs; j++) dense.Bias.Value[0, j] = T.CreateChecked(bias[j]);
        }
        return dense;
    }

    /// <summary>The current weights of a network, as a spec that rebuilds it exactly.</summary>
    /// <param name="network">The network to describe.</param>
    /// <param name="seed">The seed to record (the weights are given, so it only documents where they came from).</param>
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
