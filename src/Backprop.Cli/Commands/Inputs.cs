using System.Numerics;
using Backprop.Data;
using Backprop.Tensors;

namespace Backprop.Cli.Commands;

/// <summary>Reading the CLI's common inputs: CSV matrices and the --precision switch.</summary>
internal static class Inputs
{
    /// <summary>
    /// The network and batch of grad, gradcheck, explain, diagram and report: files (--network, --inputs, --targets) or one of the
    /// articles' built-in examples (--example). Inputs and targets may both be left out when
    /// <paramref name="batchOptional"/> (gradcheck then draws a random batch).
    /// </summary>
    public static (Model.NetworkSpec Spec, double[][]? X, double[][]? T) ReadProblem(
        string? network, string? inputs, string? targets, string? example, bool batchOptional = false, string? loss = null)
    {
        var (spec, x, t) = ReadProblemFiles(network, inputs, targets, example, batchOptional);
        spec = loss is null ? spec : spec with { Loss = loss };
        Warn(spec);
        return (spec, x, t);
    }

    private static (Model.NetworkSpec Spec, double[][]? X, double[][]? T) ReadProblemFiles(
        string? network, string? inputs, string? targets, string? example, bool batchOptional)
    {
        if (example is not null)
        {
            if (network is not null || inputs is not null || targets is not null)
                throw new BackpropException("give either --example or --network/--inputs/--targets, not both");
            var e = Explain.Examples.Load(example);
            return (e.Network, e.X, e.T);
        }
        if (network is null) throw new BackpropException("give --network NET.json (or --example NAME)");
        if ((inputs is null) != (targets is null) || (inputs is null && !batchOptional))
            throw new BackpropException(batchOptional ? "give both --inputs and --targets, or neither" : "give --inputs X.csv and --targets T.csv");
        var spec = ReadNetwork(network);
        if (inputs is null) return (spec, null, null);
        var x = Csv.ReadNumbers(inputs);
        var t = Csv.ReadNumbers(targets!);
        if (x.Length != t.Length) throw new BackpropException($"{targets} has {t.Length} rows but {inputs} has {x.Length}: one target row per input row");
        return (spec, x, t);
    }

    /// <summary>Prints the network's warning, if it has one, as one line on stderr; the command goes on.</summary>
    public static void Warn(Model.NetworkSpec spec)
    {
        if (spec.Warning is { } warning) Console.Error.WriteLine($"backprop: warning: {warning}");
    }

    /// <summary>
    /// Every option that takes a network (--network of every verb, eval --model) reads it here: network JSON, ONNX
    /// or safetensors, recognised by content.
    /// </summary>
    public static Model.NetworkSpec ReadNetwork(string path) => Interop.NetworkFiles.Read(path);

    /// <summary>What a network option says it takes.</summary>
    public const string NetworkDescription = "network: JSON (backprop.network/1), ONNX or safetensors";

    /// <summary>--loss of grad, gradcheck, explain, diagram and report: replaces the network's own loss.</summary>
    public static System.CommandLine.Option<string?> LossOverride() =>
        new("--loss") { Description = $"replace the network's loss: {string.Join(", ", Losses.Loss<float>.Names)} (default: the network's own, or half_sse)" };

    /// <summary>--layers: sizes such as 784-256-128-10.</summary>
    public static int[] ParseLayerSizes(string text)
    {
        var parts = text.Split('-');
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out sizes[i]) || sizes[i] < 1)
                throw new BackpropException($"--layers '{text}': '{parts[i]}' is not a positive size (write sizes like 784-256-128-10)");
        return sizes;
    }

    /// <summary>A number for JSON output, or null where there is none (JSON has no NaN).</summary>
    public static double? JsonNumber(double value) => double.IsFinite(value) ? value : null;

    /// <summary>--precision for verbs that compute in one format throughout (all but train and analyze memory).</summary>
    public static bool IsDouble(string precision) => Training.Precision.Parse(precision) switch
    {
        { IsMixed: true } p => throw new BackpropException($"--precision {p.Name} is for training (train, analyze memory): use f32 or f64 here"),
        var p => p.IsDouble,
    };
}
