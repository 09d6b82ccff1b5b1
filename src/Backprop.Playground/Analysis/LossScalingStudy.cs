using System.Text.Json.Nodes;
using Backprop.Analysis;
using Backprop.Data;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Playground.Analysis;

/// <summary>
/// <c>GET analyze/loss-scaling</c>: per layer, the share of gradient values non-zero in float32 that a 16-bit
/// backward pass stores as zero, without and with loss scaling, as <c>backprop analyze loss-scaling --json</c>
/// measures them (the same <see cref="GradientUnderflow"/> and defaults: blobs, depth 12, width 32, sigmoid,
/// batch 32, fp16, the dynamic scaler's starting scale, seed 1). The training curves are the CLI's alone.
/// </summary>
public static class LossScalingStudy
{
    /// <summary>Runs the study for the settings in <paramref name="query"/> and answers its JSON.</summary>
    public static string Run(string? query)
    {
        var q = new StudyQuery(query);
        var d = StudyDefaults.LossScaling;
        string data = q.Data(d.Data);
        int depth = q.Int("depth", d.Depth, 1, 30), width = q.Int("width", d.Width, 1, 256), batch = q.Int("batch", d.Batch, 1, 1024);
        int seed = q.Int("seed", StudyDefaults.Seed, 0, int.MaxValue);
        string activation = q.Choice("activation", d.Activation, NetworkSpec.ActivationTypes);
        string? init = q.OptionalChoice("init", Initializer.Names);
        var format = Precision.Parse(q.Choice("format", "fp16", ["fp16", "bf16"])).Storage;
        string scaleText = q.Choice("scale", "dynamic", ["dynamic", "1", "8", "128", "1024", "8192", "65536"]);
        double scale = LossScaler.Parse(scaleText).Scale;

        var (train, _) = DataSources.Load(data, seed);
        var sizes = Architecture.Sizes(train.FeatureCount, width, depth, train.OutputCount);
        var network = NetworkSpec.Mlp(sizes, activation, StudyDefaults.Loss, init, seed).Build<float>();
        var (x, t) = ProbeBatch.From(train, network, batch);
        var layers = GradientUnderflow.Measure(network, x, t, format, scale);

        return new JsonObject
        {
            ["network"] = network.ToString(),
            ["format"] = StorageFormats.Name(format),
            ["scale"] = scale,
            ["smallest"] = StorageFormats.Float16MinSubnormal,
            ["layers"] = new JsonArray([.. layers.Select(l => (JsonNode?)new JsonObject
            {
                ["layer"] = l.Layer,
                ["median_weight_gradient"] = StudyQuery.Number(l.MedianWeightGradient),
                ["weight_gradient_unscaled"] = l.WeightGradientUnscaled,
                ["weight_gradient_scaled"] = l.WeightGradientScaled,
                ["delta_unscaled"] = l.DeltaUnscaled,
                ["delta_scaled"] = l.DeltaScaled,
            })]),
        }.ToJsonString();
    }
}
