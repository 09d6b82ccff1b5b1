namespace Backprop.Explain.Svg;

/// <summary>
/// Where each box of a small network goes: a column of inputs x, a column per dense layer (each unit a box
/// with its linear part L and, when an activation follows, its activated part A), and the loss E. Every
/// box has one row per example of the batch.
/// </summary>
internal sealed class NetworkLayout
{
    public const double PartWidth = 84, Header = 19, RowHeight = 15, Padding = 6, VerticalGap = 38, Top = 70;

    public sealed record Box(double Left, double Top, double Width, double Height)
    {
        public double Right => Left + Width;
        public double MidY => Top + Height / 2;
        /// <summary>Baseline of example b's value row.</summary>
        public double RowY(int b) => Top + Header + b * RowHeight + 11;
    }

    /// <param name="gap">room between columns, where the column of weight boxes of each layer goes</param>
    /// <param name="weightHeight">height of one weight box</param>
    /// <param name="trace">The recorded pass to lay out.</param>
    public NetworkLayout(Trace trace, double gap, double weightHeight)
    {
        WeightHeight = weightHeight;
        int batch = trace.Batch;
        double boxHeight = Header + batch * RowHeight + Padding;
        var columns = new List<(int Count, double Width)> { (trace.X.Cols, PartWidth) };
        columns.AddRange(trace.Stages.Select(s => (s.Units, s.SigmaPrime is null ? PartWidth : 2 * PartWidth)));
        columns.Add((1, PartWidth));
        double tallest = Math.Max(columns.Max(c => c.Count * (boxHeight + VerticalGap) - VerticalGap),
            trace.Stages.Max(s => s.Inputs * s.Units * (weightHeight + WeightGap) - WeightGap));
        double x = 0;
        var all = new List<Box[]>();
        foreach (var (count, width) in columns)
        {
            double height = count * (boxHeight + VerticalGap) - VerticalGap, y = Top + (tallest - height) / 2;
            all.Add(Enumerable.Range(0, count).Select(i => new Box(x, y + i * (boxHeight + VerticalGap), width, boxHeight)).ToArray());
            x += width + gap;
        }
        Inputs = all[0];
        Units = all.Skip(1).Take(trace.Stages.Count).ToArray();
        Loss = all[^1][0];
        Bottom = Top + tallest;
    }

    public const double WeightGap = 7;
    public double WeightHeight { get; }
    public double CenterY => (Top + Bottom) / 2;

    /// <summary>Weight w^k_ij's box sits in a column halfway between the layer's inputs and its units, ordered w₁₁, w₁₂, …, w₂₁, …</summary>
    public (double X, double Y) WeightCenter(Stage s, int i, int j)
    {
        double x = (Source(s.K, 0).Right + Units[s.K - 1][0].Left) / 2;
        double column = s.Inputs * s.Units * (WeightHeight + WeightGap) - WeightGap;
        return (x, CenterY - column / 2 + (i * s.Units + j) * (WeightHeight + WeightGap) + WeightHeight / 2);
    }

    public Box[] Inputs { get; }
    /// <summary>Units[k − 1][j]: unit j of dense layer k.</summary>
    public Box[][] Units { get; }
    public Box Loss { get; }
    public double Bottom { get; }

    /// <summary>The box whose values feed dense layer k: the inputs for k = 1, the units of layer k − 1 above.</summary>
    public Box Source(int k, int i) => k == 1 ? Inputs[i] : Units[k - 2][i];

    /// <summary>True when a layer is too wide to draw unit by unit (the block view is used instead).</summary>
    public static bool TooLarge(Trace trace, int limit = 12) =>
        trace.X.Cols > limit || trace.Stages.Any(s => s.Units > limit);
}
