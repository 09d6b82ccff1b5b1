namespace Backprop.Training;

/// <summary>How <see cref="NetworkFit.Fit{T}(Model.Network{T}, T[,], int[], FitOptions?, CancellationToken)"/> trains.</summary>
public sealed class FitOptions
{
    /// <summary>Passes over the training data (default 10).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Examples per mini-batch (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>η; null (the default) for 0.01 with Adam and 0.1 with SGD.</summary>
    public double? LearningRate { get; init; }

    /// <summary>The optimizer (default Adam).</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>μ for SGD (0: none); <see cref="OptimizerKind.Momentum"/> takes 0.9 when this is 0.</summary>
    public double Momentum { get; init; }

    /// <summary>λ, the L2 weight decay.</summary>
    public double WeightDecay { get; init; }

    /// <summary>The seed of the validation split and of the order of the examples in each epoch (default 1).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// The fraction of the examples held out to measure the validation loss after each epoch, in [0, 1)
    /// (default 0: none). The split is a seeded shuffle.
    /// </summary>
    public double ValidationSplit { get; init; }

    /// <summary>
    /// Early stopping: stop after this many epochs in a row without a lower validation loss, and give the
    /// network back the weights of its best epoch. Null (the default) trains every epoch. Needs a
    /// <see cref="ValidationSplit"/>.
    /// </summary>
    public int? Patience { get; init; }

    /// <summary>
    /// Called after each epoch, on the training thread, with what the epoch did (<see cref="EpochReport.Test"/>
    /// holds the validation loss and accuracy when there is a validation split).
    /// </summary>
    public Action<EpochReport>? EpochCompleted { get; init; }

    internal double LearningRateFor(OptimizerKind optimizer) => LearningRate ?? (optimizer == OptimizerKind.Adam ? 0.01 : 0.1);

    internal void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "at least one epoch");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "at least one example per batch");
        if (LearningRate is { } lr && !(lr > 0 && double.IsFinite(lr))) throw new ArgumentOutOfRangeException(nameof(LearningRate), lr, "a positive number");
        if (!(ValidationSplit >= 0 && ValidationSplit < 1)) throw new ArgumentOutOfRangeException(nameof(ValidationSplit), ValidationSplit, "a fraction in [0, 1)");
        if (Patience is { } p)
        {
            if (p < 1) throw new ArgumentOutOfRangeException(nameof(Patience), p, "at least one epoch");
            if (ValidationSplit == 0) throw new ArgumentException("early stopping (Patience) watches the validation loss: set a ValidationSplit too", nameof(Patience));
        }
    }
}
