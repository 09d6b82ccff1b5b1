using Backprop.IO;
using ScottPlot;
using SkiaSharp;

namespace Backprop.Plots;

/// <summary>
/// Writes one or more ScottPlot panels side by side into a single file, SVG or PNG as the path's
/// extension says. Nothing is written on bad input; the file appears whole or not at all.
/// </summary>
public static class Figure
{
    public const int PanelWidth = 560, PanelHeight = 470;

    public static void Save(string path, params Plot[] panels)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".svg" or ".png"))
            throw new BackpropException($"--out {path}: the picture format comes from the extension, .svg or .png");
        if (extension == ".svg") AtomicFile.WriteAllText(path, Svg(panels));
        else AtomicFile.Write(path, stream => stream.Write(Png(panels)));
    }

    /// <summary>The panels as one SVG document (for the HTML report: inline it as is).</summary>
    public static string Svg(params Plot[] panels)
    {
        var svg = new System.Text.StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{PanelWidth * panels.Length}\" height=\"{PanelHeight}\">\n");
        for (int i = 0; i < panels.Length; i++)
        {
            string inner = panels[i].GetSvgXml(PanelWidth, PanelHeight);
            int start = inner.IndexOf("<svg", StringComparison.Ordinal);
            // A nested <svg> is a viewport of its own: shift it to its column.
            svg.Append(inner.AsSpan(0, start)).Append($"<svg x=\"{i * PanelWidth}\" y=\"0\"").Append(inner.AsSpan(start + 4)).Append('\n');
        }
        return svg.Append("</svg>\n").ToString();
    }

    public static byte[] Png(params Plot[] panels)
    {
        using var surface = SKSurface.Create(new SKImageInfo(PanelWidth * panels.Length, PanelHeight));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        for (int i = 0; i < panels.Length; i++)
        {
            // Each panel renders on its own (a plot clears the whole canvas it is given), then is pasted in its column.
            using var panel = SKBitmap.Decode(panels[i].GetImageBytes(PanelWidth, PanelHeight, ImageFormat.Png));
            canvas.DrawBitmap(panel, i * PanelWidth, 0);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A panel with a title and axis labels.</summary>
    public static Plot Panel(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title, size: 14);
        plot.XLabel(x, size: 12);
        plot.YLabel(y, size: 12);
        return plot;
    }

    /// <summary>Adds a line through the finite points only (NaN marks "no value here").</summary>
    public static ScottPlot.Plottables.Scatter Line(Plot plot, IEnumerable<double> xs, IEnumerable<double> ys, string label)
    {
        var points = xs.Zip(ys).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        var line = plot.Add.Scatter(points.Select(p => p.First).ToArray(), points.Select(p => p.Second).ToArray());
        line.LegendText = label;
        line.LineWidth = 2;
        line.MarkerSize = 6;
        return line;
    }

    /// <summary>
    /// Makes the y axis read as powers of ten when the values plotted are log₁₀ of the quantity: every label in
    /// one style, 10ᵏ or m·10ᵏ, whatever the span (decades when it is wide, 1-2-5 steps when it is narrow),
    /// with minor ticks at 2…9 × 10ᵏ. Call it after the data are added: the ticks follow the data's range.
    /// </summary>
    public static void LogY(Plot plot)
    {
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        double lo = Math.Min(limits.Bottom, limits.Top), hi = Math.Max(limits.Bottom, limits.Top);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        double span = hi - lo;
        int first = (int)Math.Floor(lo), last = (int)Math.Ceiling(hi);
        if (span >= 2)
        {
            int step = Math.Max(1, (int)Math.Ceiling(span / 8)); // at most about eight labelled decades
            for (int k = first; k <= last; k++)
            {
                if (k < lo - 1e-9 || k > hi + 1e-9) continue;
                if (k % step == 0) ticks.AddMajor(k, PowerOfTen(1, k));
                else ticks.AddMinor(k);
                if (step == 1)
                    for (int m = 2; m <= 9; m++)
                        if (k + Math.Log10(m) is var v && v >= lo && v <= hi) ticks.AddMinor(v);
            }
        }
        else
        {
            int[] labelled = span >= 0.7 ? [1, 2, 5] : [1, 2, 3, 4, 5, 6, 7, 8, 9];
            for (int k = first; k <= last; k++)
                for (int m = 1; m <= 9; m++)
                {
                    double v = k + Math.Log10(m);
                    if (v < lo - 1e-9 || v > hi + 1e-9) continue;
                    if (labelled.Contains(m)) ticks.AddMajor(v, PowerOfTen(m, k));
                    else ticks.AddMinor(v);
                }
        }
        plot.Axes.Left.TickGenerator = ticks;
    }

    /// <summary>m·10ᵏ with a superscript exponent; 10ᵏ when m is 1.</summary>
    public static string PowerOfTen(int mantissa, int exponent)
    {
        const string superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        string digits = string.Concat(Math.Abs(exponent).ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c => superscripts[c - '0']));
        string power = "10" + (exponent < 0 ? "⁻" : "") + digits;
        return mantissa == 1 ? power : $"{mantissa}·{power}";
    }

    /// <summary>Puts the legend below the data, outside the plot area, so it never covers a line.</summary>
    public static void LegendBelow(Plot plot) => plot.ShowLegend(Edge.Bottom);

    /// <summary>Integer ticks on x (layer numbers, epochs).</summary>
    public static void IntegerX(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
}
