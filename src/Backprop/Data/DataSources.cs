namespace Backprop.Data;

/// <summary>Resolves the --data argument: a built-in set, "fashion-mnist", or a CSV file.</summary>
public static class DataSources
{
    /// <param name="data">A built-in name (<see cref="Synthetic.Names"/>), <c>fashion-mnist</c>, or a CSV path.</param>
    /// <param name="seed">The seed of the synthetic sets and of the CSV split.</param>
    public static (Dataset Train, Dataset Test) Load(string data, int seed = 1)
    {
        if (data == "fashion-mnist") return FashionMnist.Load();
        if (Array.IndexOf(Synthetic.Names, data) >= 0)
        {
            // A fresh draw of the same distribution tests generalization; xor has only its four points.
            return (Synthetic.Create(data, seed), data == "xor" ? Synthetic.Xor() : Synthetic.Create(data, seed + 1000));
        }
        if (data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return CsvDataset.Load(data).Split(0.2, seed);
        throw new BackpropException($"unknown data set '{data}' (expected one of: {string.Join(", ", Synthetic.Names)}, fashion-mnist, or a .csv file)");
    }
}
