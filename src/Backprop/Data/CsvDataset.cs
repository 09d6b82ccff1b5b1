namespace Backprop.Data;

/// <summary>
/// A data set from a numeric CSV file: feature columns and one label column (the last unless told).
/// Labels that are all whole numbers ≥ 0 make a classification set; any other values, a regression set.
/// </summary>
public static class CsvDataset
{
    /// <param name="path">The CSV file.</param>
    /// <param name="labelColumn">The label's column from 0; −1 for the last.</param>
    public static Dataset Load(string path, int labelColumn = -1) => FromRows(Csv.ReadNumbers(path), path, labelColumn);

    /// <summary>The data set of parsed CSV rows; <paramref name="path"/> names them in errors.</summary>
    internal static Dataset FromRows(double[][] rows, string path, int labelColumn = -1)
    {
        int width = rows[0].Length;
        if (width < 2) throw new BackpropException($"{path}: needs at least one feature column and a label column, found {width} column");
        int label = labelColumn < 0 ? width + labelColumn : labelColumn;
        if (label < 0 || label >= width) throw new BackpropException($"{path}: label column {labelColumn} is outside its {width} columns");
        var x = new float[rows.Length * (width - 1)];
        var y = new double[rows.Length];
        for (int i = 0, k = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < width; j++)
                if (j == label) y[i] = rows[i][j];
                else x[k++] = (float)rows[i][j];
        }
        string name = Path.GetFileName(path);
        if (y.All(v => v >= 0 && v == Math.Floor(v) && v < 100_000))
            return new Dataset(name, x, width - 1, [.. y.Select(v => (int)v)], (int)y.Max() + 1);
        return new Dataset(name, x, width - 1, [.. y.Select(v => (float)v)], 1);
    }
}
