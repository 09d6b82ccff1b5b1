using System.Globalization;
using Backprop.Data;
using Backprop.Explain;
using Backprop.IO;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Playground.Walk;

/// <summary>
/// Where a tab's problem comes from: an article's example, a built-in 2-D data set with an architecture,
/// an uploaded CSV data set, or an uploaded network with its batch. Files go through the CLI's readers
/// (NetworkJson, Csv, CsvDataset), so the page reports the same errors as the command line.
/// </summary>
internal static class ProblemSources
{
    /// <summary>Rows of a data set the Walk view shows as its batch.</summary>
    public const int WalkRows = 8;

    /// <summary>An article's network and batch; it trains on its own batch.</summary>
    public static Problem Example(string name)
    {
        var e = Examples.Load(name);
        Problem.CheckWalkSize(e.Network, e.X.Length);
        var spec = Problem.Materialize(e.Network);
        return new Problem(name, spec, e.X, e.T, BatchAsData(name, e.X, e.T), null);
    }

    /// <summary>xor, circles, spirals or blobs with an MLP of the given hidden sizes.</summary>
    public static Problem DataSet(string name, string hidden, string activation, string loss, int seed)
    {
        if (Array.IndexOf(Synthetic.Names, name) < 0)
            throw new BackpropException($"unknown example '{name}' (expected one of: {string.Join(", ", Examples.Names.Concat(Synthetic.Names))})");
        var (train, test) = DataSources.Load(name, seed);
        return OnData(name, train, test, hidden, activation, loss, seed);
    }

    /// <summary>An uploaded CSV data set (features, then the label in the last column), split 80/20 as <c>train --data FILE.csv</c> does.</summary>
    public static Problem CsvUpload(string fileName, string text, string hidden, string activation, string loss, int seed)
    {
        string safe = SafeName(fileName);
        // CsvDataset reads a path: give it one in a folder of our own, and name the upload, not the folder, in errors.
        string folder = Directory.CreateTempSubdirectory("backprop-serve-").FullName;
        string path = Path.Combine(folder, safe);
        try
        {
            File.WriteAllText(path, text);
            Dataset all;
            try { all = CsvDataset.Load(path); }
            catch (BackpropException e) { throw new BackpropException(e.Message.Replace(path, safe, StringComparison.Ordinal)); }
            if (all.Count < 2) throw new BackpropException($"{safe} has {all.Count} row: it needs at least two to train and test");
            var (train, test) = all.Split(0.2, seed);
            return OnData(safe, train, test, hidden, activation, loss, seed);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A network file with its inputs and targets (CSV), as <c>grad --network --inputs --targets</c> reads them.</summary>
    public static Problem NetworkUpload(string networkJson, string inputs, string targets) =>
        NetworkUpload(NetworkJson.Parse(networkJson, "uploaded network"), inputs, targets);

    /// <summary>A network file of any format (JSON, ONNX, safetensors, by content) with its inputs and targets (CSV).</summary>
    public static Problem NetworkUpload(byte[] network, string name, string inputs, string targets) =>
        NetworkUpload(Interop.NetworkFiles.Parse(network, $"uploaded {name}"), inputs, targets);

    private static Problem NetworkUpload(NetworkSpec spec, string inputs, string targets)
    {
        var x = Csv.Parse(new StringReader(inputs), "uploaded inputs");
        Problem.CheckWalkSize(spec, x.Length);
        var t = Csv.Parse(new StringReader(targets), "uploaded targets");
        if (x.Length != t.Length) throw new BackpropException($"uploaded targets have {t.Length} rows but the inputs have {x.Length}: one target row per input row");
        var problem = new Problem("upload", Problem.Materialize(spec), x, t, BatchAsData("upload", x, t), null);
        problem.Record(); // shape errors now, with the upload, not on the next request
        return problem;
    }

    private static Problem OnData(string name, Dataset train, Dataset test, string hidden, string activation, string loss, int seed)
    {
        int[] sizes = [train.FeatureCount, .. ParseHidden(hidden), train.OutputCount];
        var mlp = NetworkSpec.Mlp(sizes, activation, loss, seed: seed);
        Problem.CheckWalkSize(mlp, WalkRows);
        var spec = Problem.Materialize(mlp);
        var encoding = Batcher.EncodingFor(train, loss, train.OutputCount);
        int rows = Math.Min(WalkRows, train.Count);
        // Evenly spaced rows, so that a sorted data set still shows every class.
        int[] indices = [.. Enumerable.Range(0, rows).Select(i => (int)((long)i * train.Count / rows))];
        Matrix<double> x = new(0, 0), t = new(0, 0);
        Batcher.Fill(train, indices, encoding, x, t, train.OutputCount);
        return new Problem(name, spec, x.ToRows(), t.ToRows(), train, test);
    }

    /// <summary>The architecture field: hidden sizes such as 64-64 (empty for none).</summary>
    public static int[] ParseHidden(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var parts = text.Trim().Split('-');
        if (parts.Length > Limits.MaxLayers - 1) throw new BackpropException($"layers '{text}': at most {Limits.MaxLayers - 1} hidden layers");
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1 || sizes[i] > 4096)
                throw new BackpropException($"layers '{text}': '{parts[i]}' is not a hidden size from 1 to 4096 (write sizes like 64-64)");
        return sizes;
    }

    /// <summary>The batch as a data set (regression on its target rows), so that an article's network can be trained on it.</summary>
    private static Dataset BatchAsData(string name, double[][] x, double[][] t) =>
        new(name, [.. x.SelectMany(r => r).Select(v => (float)v)], x[0].Length, [.. t.SelectMany(r => r).Select(v => (float)v)], t[0].Length);

    private static string SafeName(string fileName)
    {
        string name = Path.GetFileName(fileName.Replace('\\', '/'));
        name = new string([.. name.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')]);
        if (name.Length == 0 || name.Length > 100) name = "upload.csv";
        return name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? name : name + ".csv";
    }
}
