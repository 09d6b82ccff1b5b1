namespace Backprop.Analysis;

/// <summary>
/// The settings one analysis study starts from when none is given: the defaults of a <c>backprop analyze</c> verb,
/// shared with the article pages (Backprop.Playground) so that a figure and the command agree on the same numbers.
/// </summary>
/// <param name="Data">The built-in data set.</param>
/// <param name="Depth">Dense layers.</param>
/// <param name="Width">Hidden width.</param>
/// <param name="Activation">σ between dense layers.</param>
/// <param name="Batch">Examples per batch (and in the probe batch).</param>
/// <param name="Epochs">Training epochs the study follows.</param>
/// <param name="Optimizer">The optimizer's name.</param>
/// <param name="LearningRate">Its learning rate.</param>
public sealed record StudyDefaults(string Data, int Depth, int Width, string Activation, int Batch, int Epochs, string Optimizer, double LearningRate)
{
    /// <summary>The loss every study trains with.</summary>
    public const string Loss = "cross_entropy";

    /// <summary>The seed of weights, data and shuffling.</summary>
    public const int Seed = 1;

    /// <summary><c>analyze gradients</c>: deep and narrow, sigmoid, where gradients vanish.</summary>
    public static readonly StudyDefaults Gradients = new("spirals", 10, 32, "sigmoid", 64, 5, "sgd", 0.1);

    /// <summary>
    /// <c>analyze init</c>: wide layers, so that variances are measured on many values (a batch of 128 by 128
    /// units: 16,384 a hidden layer). Width 256 and batch 256 took the browser's engine, article 3's figure,
    /// about 2 s instead of 0.35 s, for a picture that says the same.
    /// </summary>
    public static readonly StudyDefaults Init = new("spirals", 10, 128, "tanh", 128, 5, "sgd", 0.1);

    /// <summary><c>analyze memory</c>: the optimizer's state counts, so Adam (its learning rate is not used).</summary>
    public static readonly StudyDefaults Memory = new("spirals", 3, 64, "relu", 512, 0, "adam", 0.01);

    /// <summary><c>analyze loss-scaling</c>: deep sigmoid, whose small gradients float16 flushes to zero.</summary>
    public static readonly StudyDefaults LossScaling = new("blobs", 12, 32, "sigmoid", 32, 40, "adam", 0.005);
}
