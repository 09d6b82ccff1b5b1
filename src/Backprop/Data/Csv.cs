using System.Globalization;

namespace Backprop.Data;

/// <summary>
/// Numeric CSV: one example per row, comma-separated numbers, an optional header line (a first line
/// in which no field is a number: "0.5,oops" is a typo on line 1, not a header). Errors name the file,
/// the line and the offending field.
/// </summary>
public static class Csv
{
    /// <summary>Reads a numeric CSV file: one row per line, an optional header line.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="BackpropException">Missing file, ragged rows or a field that is not a number; the message names the line.</exception>
    public static double[][] ReadNumbers(string path)
    {
        if (!File.Exists(path)) throw new BackpropException($"{path}: file not found");
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Reads CSV text; <paramref name="source"/> names it in errors (a path, or an example's name).</summary>
    public static double[][] Parse(TextReader reader, string source)
    {
        string path = source;
        var rows = new List<double[]>();
        int lineNumber = 0, width = -1, widthLine = 0;
        while (reader.ReadLine() is { } raw)
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0) continue;
            string[] fields = line.Split(',');
            if (rows.Count == 0 && width < 0 && !fields.Any(f => TryParse(f, out _)))
            {
                width = fields.Length; // a header: it fixes the width, not the values
                widthLine = lineNumber;
                continue;
            }
            if (width < 0)
            {
                width = fields.Length;
                widthLine = lineNumber;
            }
            if (fields.Length != width)
                throw new BackpropException($"{path}: line {lineNumber}: {fields.Length} values, expected {width} (as on line {widthLine})");
            var values = new double[width];
            for (int j = 0; j < width; j++)
            {
                if (!TryParse(fields[j], out values[j]))
                    throw new BackpropException($"{path}: line {lineNumber}, column {j + 1}: '{Excerpt.Of(fields[j].Trim())}' is not a number");
                if (!double.IsFinite(values[j]))
                    throw new BackpropException($"{path}: line {lineNumber}, column {j + 1}: {Excerpt.Of(fields[j].Trim())} is not a finite number");
            }
            rows.Add(values);
        }
        if (rows.Count == 0) throw new BackpropException($"{path}: no data rows");
        return [.. rows];
    }

    private static bool TryParse(string field, out double value) =>
        double.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
