using System.Text.Json.Nodes;
using Backprop.Analysis;
using Backprop.Data;
using Backprop.Model;
using Backprop.Training;

namespace Backprop.Playground.Analysis;

/// <summary>
/// <c>GET analyze/memory</c>: the bytes one training step holds, by part, predicted from the shapes by
/// <see cref="TrainingMemory"/> as <c>backprop analyze memory</c> predicts them (defaults: spirals, depth 3,
/// width 64, ReLU, batch 512, Adam, f32), with the growth over batch sizes and depths. The page does not
/// measure a real step: the CLI does, and shows the prediction equal to the library's own accounting.
/// </summary>
public static class MemoryStudy
{
    private static readonly int[] Batches = [1, 8, 64, 512, 4096];
    private static readonly int[] Depths = [2, 4, 8, 16, 32];

    /// <summary>Runs the study for the settings in <paramref name="query"/> and answers its JSON.</summary>
    public static string Run(string? query)
    {
        var q = new StudyQuery(query);
        var d = StudyDefaults.Memory;
        string data = q.Data(d.Data);
        int depth = q.Int("depth", d.Depth, 1, 1000), width = q.Int("width", d.Width, 1, 1 << 16), batch = q.Int("batch", d.Batch, 1, 1 << 20);
        string activation = q.Choice("activation", d.Activation, NetworkSpec.ActivationTypes);
        string optimizer = q.Choice("optimizer", d.Optimizer, StudyQuery.Optimizers);
        var precision = Precision.Parse(q.Choice("precision", "f32", ["f32", "f64", "fp16", "bf16"]));

        var (train, _) = DataSources.Load(data, StudyDefaults.Seed);
        int inputs = train.FeatureCount, outputs = train.OutputCount;
        const string Loss = StudyDefaults.Loss;
        int targets = Batcher.EncodingFor(train, Loss, outputs) is TargetEncoding.OneHot or TargetEncoding.Values ? outputs : 1;
        // Shapes only: no weight is drawn, so a network of millions of parameters costs nothing to predict.
        NetworkSpec Spec(int d) => NetworkSpec.Mlp(Architecture.Sizes(inputs, width, d, outputs), activation, Loss);
        MemoryBreakdown Predict(NetworkSpec s, int b) => TrainingMemory.Predict(s, inputs, targets, b, optimizer, precision);

        var p = Predict(Spec(depth), batch);
        return new JsonObject
        {
            ["sizes"] = new JsonArray([.. Architecture.Sizes(inputs, width, depth, outputs).Select(s => (JsonNode?)s)]),
            ["batch"] = batch,
            ["optimizer"] = optimizer,
            ["precision"] = precision.Name,
            ["predicted"] = Breakdown(p),
            ["by_batch"] = new JsonArray([.. Batches.Select(b => (JsonNode?)new JsonObject { ["batch"] = b, ["total"] = Predict(Spec(depth), b).Total })]),
            ["by_depth"] = new JsonArray([.. Depths.Select(d => (JsonNode?)new JsonObject { ["depth"] = d, ["total"] = Predict(Spec(d), batch).Total })]),
        }.ToJsonString();
    }

    private static JsonObject Breakdown(MemoryBreakdown p) => new()
    {
        ["parameters"] = p.Parameters,
        ["gradients"] = p.Gradients,
        ["optimizer_state"] = p.OptimizerState,
        ["batch"] = p.Batch,
        ["activations"] = p.Activations,
        ["temporaries"] = p.Temporaries,
        ["total"] = p.Total,
    };
}
