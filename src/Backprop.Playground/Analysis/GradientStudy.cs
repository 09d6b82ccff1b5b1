using System.Text.Json.Nodes;
using Backprop.Analysis;
using Backprop.Data;
using Backprop.Model;
using Backprop.Training;

namespace Backprop.Playground.Analysis;

/// <summary>
/// <c>GET analyze/gradients</c>: per-layer norms of H, Δ and ∂E/∂W at initialization and after each epoch, as
/// <c>backprop analyze gradients --json</c> computes them (the same <see cref="GradientFlowHistory"/>, the same
/// defaults, <see cref="StudyDefaults.Gradients"/>: spirals, depth 10, width 32, sigmoid, batch 64, SGD 0.1, float32, seed 1).
/// </summary>
public static class GradientStudy
{
    /// <summary>Most dense layers a page may ask for.</summary>
    public const int MaxDepth = 30;

    /// <summary>Most epochs a page may ask for (each is one pass over the data set).</summary>
    public const int MaxEpochs = 20;

    /// <summary>Runs the study for the settings in <paramref name="query"/> and answers its JSON.</summary>
    public static string Run(string? query)
    {
        var q = new StudyQuery(query);
        var d = StudyDefaults.Gradients;
        string data = q.Data(d.Data);
        int depth = q.Int("depth", d.Depth, 1, MaxDepth), width = q.Int("width", d.Width, 1, 256), batch = q.Int("batch", d.Batch, 1, 1024);
        int epochs = q.Int("epochs", d.Epochs, 0, MaxEpochs), seed = q.Int("seed", StudyDefaults.Seed, 0, int.MaxValue);
        string activation = q.Choice("activation", d.Activation, NetworkSpec.ActivationTypes);
        string? init = q.OptionalChoice("init", Initializer.Names);
        string optimizer = q.Choice("optimizer", d.Optimizer, StudyQuery.Optimizers);
        double lr = q.Positive("lr", d.LearningRate, 10);

        var (train, _) = DataSources.Load(data, seed);
        var sizes = Architecture.Sizes(train.FeatureCount, width, depth, train.OutputCount);
        var network = NetworkSpec.Mlp(sizes, activation, StudyDefaults.Loss, init, seed).Build<float>();
        var (x, t) = ProbeBatch.From(train, network, batch);
        var trainer = new Trainer<float>(network, Optimizer<float>.Create(optimizer, lr), batch, seed);
        var history = GradientFlowHistory.Record(trainer, train, x, t, epochs);

        var answer = new JsonObject { ["network"] = network.ToString(), ["sizes"] = new JsonArray([.. sizes.Select(s => (JsonNode?)s)]) };
        answer["epochs"] = new JsonArray([.. history.Select(e => (JsonNode?)new JsonObject
        {
            ["epoch"] = e.Epoch,
            ["train_loss"] = StudyQuery.Number(e.TrainLoss),
            ["first_to_last"] = StudyQuery.Number(e.Flow.FirstToLast),
            ["layers"] = new JsonArray([.. e.Flow.Layers.Select(Layer)]),
        })]);
        return answer.ToJsonString();
    }

    private static JsonNode Layer(LayerFlow l) => new JsonObject
    {
        ["layer"] = l.Layer,
        ["fan_in"] = l.FanIn,
        ["fan_out"] = l.FanOut,
        ["activation_norm"] = StudyQuery.Number(l.ActivationNorm),
        ["delta_norm"] = StudyQuery.Number(l.DeltaNorm),
        ["weight_gradient_norm"] = StudyQuery.Number(l.WeightGradientNorm),
        ["mean_derivative"] = StudyQuery.Number(l.MeanDerivative),
        ["weight_factor"] = StudyQuery.Number(l.WeightFactor),
        ["derivative_factor"] = StudyQuery.Number(l.DerivativeFactor),
    };
}
