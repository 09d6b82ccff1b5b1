namespace Backprop.Training;

/// <summary>What a call of Fit did.</summary>
/// <param name="History">One report per epoch trained, in order.</param>
/// <param name="BestEpoch">The epoch (from 1) with the lowest validation loss; the last epoch when there is no validation split.</param>
/// <param name="StoppedEarly">True when early stopping ended training before the last epoch.</param>
public sealed record FitResult(IReadOnlyList<EpochReport> History, int BestEpoch, bool StoppedEarly);
