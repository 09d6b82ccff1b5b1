using System.CommandLine;
using Backprop.Analysis;
using Backprop.Data;
using Backprop.IO;
using Backprop.Model;
using Backprop.Training;

namespace Backprop.Cli.Commands;

/// <summary>
/// The network and data options train and the analyze verbs share: a JSON network, or an MLP by --layers,
/// or by --depth and --width; each verb chooses its defaults (wide layers for variances, deep ones for gradients).
/// </summary>
internal sealed class NetworkOptions(string data, int depth, int width, string activation, int batch,
    string outDescription = "write the picture here (.svg or .png)", string jsonDescription = "print the numbers as JSON instead of tables")
{
    public Option<string> Data { get; } = new("--data") { Description = "xor, circles, spirals, blobs, fashion-mnist, or a CSV file", DefaultValueFactory = _ => data };
    public Option<string?> NetworkFile { get; } = new("--network") { Description = Inputs.NetworkDescription + " (instead of --layers or --depth)" };
    public Option<string?> Layers { get; } = new("--layers") { Description = "sizes such as 784-256-128-10 (instead of --depth and --width)" };
    public Option<int> Depth { get; } = new("--depth") { Description = "dense layers, inputs-width-…-width-outputs", DefaultValueFactory = _ => depth };
    public Option<int> Width { get; } = new("--width") { Description = "hidden width with --depth", DefaultValueFactory = _ => width };
    public Option<string> Activation { get; } = new("--activation") { Description = string.Join(", ", NetworkSpec.ActivationTypes), DefaultValueFactory = _ => activation };
    public Option<string> Loss { get; } = new("--loss") { Description = string.Join(", ", Backprop.Losses.Loss<float>.Names), DefaultValueFactory = _ => "cross_entropy" };
    public Option<string?> Init { get; } = new("--init") { Description = $"{string.Join(", ", Initializer.Names)} (default: he for relu, else xavier)" };
    public Option<int> Batch { get; } = new("--batch") { Description = "batch size", DefaultValueFactory = _ => batch };
    public Option<int> Seed { get; } = new("--seed") { Description = "seed for weights, data and shuffling", DefaultValueFactory = _ => 1 };
    public Option<string?> Out { get; } = new("--out") { Description = outDescription };
    public Option<bool> Json { get; } = new("--json") { Description = jsonDescription };

    /// <summary>The options of an analyze verb, defaulting to its study's settings (shared with the article pages).</summary>
    public static NetworkOptions For(StudyDefaults d) => new(d.Data, d.Depth, d.Width, d.Activation, d.Batch);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Data, NetworkFile, Layers, Depth, Width, Activation, Loss, Init, Batch, Seed, Out, Json })
            command.Options.Add(option);
    }

    public (Dataset Train, Dataset Test) LoadData(ParseResult r) => DataSources.Load(r.GetValue(Data)!, r.GetValue(Seed));

    /// <summary>The layer sizes of the MLP the options describe (--layers wins over --depth and --width).</summary>
    public int[] Sizes(ParseResult r, Dataset train)
    {
        if (r.GetValue(Layers) is not { } text) return Architecture.Sizes(train.FeatureCount, r.GetValue(Width), r.GetValue(Depth), train.OutputCount);
        return Inputs.ParseLayerSizes(text);
    }

    public NetworkSpec Spec(ParseResult r, Dataset train) => r.GetValue(NetworkFile) is { } path
        ? Inputs.ReadNetwork(path)
        : NetworkSpec.Mlp(Sizes(r, train), r.GetValue(Activation)!, r.GetValue(Loss)!, r.GetValue(Init), r.GetValue(Seed));
}
