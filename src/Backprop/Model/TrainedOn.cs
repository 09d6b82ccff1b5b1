namespace Backprop.Model;

/// <summary>
/// The data a saved network was trained on: the data source as given (a built-in set, fashion-mnist or a
/// CSV path) and the seed of its train/test split, so that evaluating it later uses the same test examples.
/// </summary>
/// <param name="Data">the data source, as <see cref="Data.DataSources.Load"/> takes it</param>
/// <param name="Seed">the seed of the split (and of the synthetic sets' draw)</param>
public sealed record TrainedOn(string Data, int Seed);
