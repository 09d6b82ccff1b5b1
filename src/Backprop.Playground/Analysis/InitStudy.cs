using System.Text.Json.Nodes;
using Backprop.Analysis;
using Backprop.Data;
using Backprop.Model;
using Backprop.Training;

namespace Backprop.Playground.Analysis;

/// <summary>
/// <c>GET analyze/init</c>: activation and gradient variances per layer for naive, Xavier and He initialization,
/// measured beside the theory, as <c>backprop analyze init --json</c> computes them (the same
/// <see cref="InitComparison"/> and defaults: spirals, depth 10, width 128, tanh, batch 128, SGD 0.1, float32,
/// seed 1), and the training loss over the first epochs (<c>losses=0</c>, with <c>epochs=0</c>: the variances
/// alone, for a figure that shows nothing else).
/// </summary>
public static class InitStudy
{
    /// <summary>Runs the study for the settings in <paramref name="query"/> and answers its JSON.</summary>
    public static string Run(string? query)
    {
        var q = new StudyQuery(query);
        var d = StudyDefaults.Init;
        string data = q.Data(d.Data);
        int depth = q.Int("depth", d.Depth, 1, 20), width = q.Int("width", d.Width, 1, 512), batch = q.Int("batch", d.Batch, 1, 1024);
        int epochs = q.Int("epochs", d.Epochs, 0, 10), seed = q.Int("seed", StudyDefaults.Seed, 0, int.MaxValue);
        string activation = q.Choice("activation", d.Activation, NetworkSpec.ActivationTypes);
        string optimizer = q.Choice("optimizer", d.Optimizer, StudyQuery.Optimizers);
        double lr = q.Positive("lr", d.LearningRate, 10);
        bool losses = q.Choice("losses", "1", ["0", "1"]) == "1";

        var (train, _) = DataSources.Load(data, seed);
        var sizes = Architecture.Sizes(train.FeatureCount, width, depth, train.OutputCount);
        var results = InitComparison.Run<float>(train, sizes, activation, StudyDefaults.Loss, ["naive", "xavier", "he"], batch, epochs,
            () => Optimizer<float>.Create(optimizer, lr), seed, losses);

        return new JsonObject
        {
            ["sizes"] = new JsonArray([.. sizes.Select(s => (JsonNode?)s)]),
            ["activation"] = activation,
            ["schemes"] = new JsonArray([.. results.Select(r => (JsonNode?)new JsonObject
            {
                ["scheme"] = r.Scheme,
                ["epoch_losses"] = new JsonArray([.. r.EpochLosses.Select(StudyQuery.Number)]),
                ["layers"] = new JsonArray([.. r.Layers.Select(l => (JsonNode?)new JsonObject
                {
                    ["layer"] = l.Layer,
                    ["fan_in"] = l.FanIn,
                    ["fan_out"] = l.FanOut,
                    ["target_weight_variance"] = StudyQuery.Number(l.TargetWeightVariance),
                    ["weight_variance"] = StudyQuery.Number(l.WeightVariance),
                    ["forward_measured"] = StudyQuery.Number(l.ForwardMeasured),
                    ["forward_theory"] = StudyQuery.Number(l.ForwardTheory),
                    ["backward_measured"] = StudyQuery.Number(l.BackwardMeasured),
                    ["backward_theory"] = StudyQuery.Number(l.BackwardTheory),
                })]),
            })]),
        }.ToJsonString();
    }
}
