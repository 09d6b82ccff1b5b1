namespace Backprop.Training;

/// <summary>
/// Loss scaling for float16 training, with the behaviour of PyTorch's GradScaler: gradients are computed
/// for (scale × loss), so values that would underflow float16 stay representable; before the update they
/// are divided by the scale again. A dynamic scaler starts at 2¹⁶; when a step's gradients hold inf or
/// NaN (the scale was too large) it skips that step and halves the scale; after 2000 clean steps in a
/// row it doubles it (if the result is finite). A fixed scaler never changes but still skips bad steps.
/// </summary>
public sealed class LossScaler
{
    private LossScaler(double scale, double growthFactor, double backoffFactor, int growthInterval)
    {
        if (!(scale > 0) || !double.IsFinite(scale)) throw new BackpropException($"loss scale must be a positive finite number, got {scale}");
        Scale = scale;
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
        GrowthInterval = growthInterval;
    }

    /// <summary>PyTorch's defaults: init_scale 2¹⁶, growth_factor 2, backoff_factor 0.5, growth_interval 2000.</summary>
    public static LossScaler Dynamic(double initialScale = 65536, double growthFactor = 2, double backoffFactor = 0.5, int growthInterval = 2000)
    {
        if (!(growthFactor > 1)) throw new BackpropException($"loss-scale growth factor must be above 1, got {growthFactor}");
        if (!(backoffFactor > 0 && backoffFactor < 1)) throw new BackpropException($"loss-scale backoff factor must be in (0, 1), got {backoffFactor}");
        if (growthInterval < 1) throw new BackpropException($"loss-scale growth interval must be at least 1, got {growthInterval}");
        return new LossScaler(initialScale, growthFactor, backoffFactor, growthInterval);
    }

    /// <summary>A scaler that keeps <paramref name="scale"/> (and still skips steps with infinite or NaN gradients).</summary>
    /// <param name="scale">The scale.</param>
    public static LossScaler Fixed(double scale) => new(scale, 1, 1, int.MaxValue);

    /// <summary>Parses --loss-scale: "dynamic", "none" (a fixed scale of 1) or a number.</summary>
    public static LossScaler Parse(string text) => text switch
    {
        "dynamic" => Dynamic(),
        "none" => Fixed(1),
        _ when double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double s) && s > 0 && double.IsFinite(s) => Fixed(s),
        _ => throw new BackpropException("loss scale", $"loss scale '{text}': expected dynamic, none, or a positive number such as 1024"),
    };

    /// <summary>The current scale.</summary>
    public double Scale { get; private set; }
    /// <summary>What the scale is multiplied by after <see cref="GrowthInterval"/> clean steps.</summary>
    public double GrowthFactor { get; }
    /// <summary>What the scale is multiplied by after a step with infinite or NaN gradients.</summary>
    public double BackoffFactor { get; }
    /// <summary>Clean steps in a row before the scale grows.</summary>
    public int GrowthInterval { get; }
    /// <summary>True when the scale changes.</summary>
    public bool IsDynamic => GrowthFactor != 1;

    /// <summary>Clean steps in a row since the scale last changed (PyTorch's growth tracker).</summary>
    public int CleanSteps { get; private set; }

    /// <summary>Steps skipped for infinite or NaN gradients.</summary>
    public long SkippedSteps { get; private set; }
    /// <summary>Steps recorded.</summary>
    public long Steps { get; private set; }

    internal void WriteState(StateWriter writer)
    {
        writer.Write(GrowthFactor);
        writer.Write(BackoffFactor);
        writer.Write(GrowthInterval);
        writer.Write(Scale);
        writer.Write(CleanSteps);
        writer.Write(SkippedSteps);
        writer.Write(Steps);
    }

    internal void ReadState(StateReader reader)
    {
        Optimizer<float>.Expect(reader, "loss-scale growth factor", reader.ReadDouble(), GrowthFactor);
        Optimizer<float>.Expect(reader, "loss-scale backoff factor", reader.ReadDouble(), BackoffFactor);
        Optimizer<float>.Expect(reader, "loss-scale growth interval", reader.ReadInt32(), GrowthInterval);
        double scale = reader.ReadDouble();
        int clean = reader.ReadInt32();
        long skipped = reader.ReadInt64(), steps = reader.ReadInt64();
        if (!(scale > 0) || !double.IsFinite(scale) || clean < 0 || skipped < 0 || steps < skipped)
            throw reader.Corrupt("the loss scaler's numbers are out of range");
        (Scale, CleanSteps, SkippedSteps, Steps) = (scale, clean, skipped, steps);
    }

    /// <summary>Records one step's outcome and adjusts the scale; returns whether the step may be applied.</summary>
    public bool Update(bool foundInfOrNaN)
    {
        Steps++;
        if (foundInfOrNaN)
        {
            SkippedSteps++;
            CleanSteps = 0;
            Scale *= BackoffFactor;
            return false;
        }
        if (!IsDynamic) return true;
        if (++CleanSteps == GrowthInterval)
        {
            double grown = Scale * GrowthFactor;
            if (double.IsFinite(grown)) Scale = grown;
            CleanSteps = 0;
        }
        return true;
    }
}
