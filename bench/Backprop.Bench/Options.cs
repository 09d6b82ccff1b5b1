namespace Backprop.Bench;

/// <summary>Command-line options of the benchmark.</summary>
internal sealed record Options(string Command, bool Quick, int Threads, int Batch, int Epochs, int Repeats, int Seed, int Width, double Seconds)
{
    public static Options Parse(string[] args)
    {
        string command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "all";
        bool quick = args.Contains("--quick");
        int Value(string name, int fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
        }
        int secondsAt = Array.IndexOf(args, "--seconds");
        double seconds = secondsAt >= 0 && secondsAt + 1 < args.Length ? double.Parse(args[secondsAt + 1], System.Globalization.CultureInfo.InvariantCulture) : 0.5;
        return new Options(command, quick, Value("--threads", 2), Value("--batch", 128), Value("--epochs", quick ? 1 : 2),
            Value("--repeats", quick ? 1 : 5), Value("--seed", 1), Value("--width", 256), seconds);
    }

    /// <summary>The repository root (where Backprop.slnx is), so the bench runs from anywhere inside it.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) return dir.FullName;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) return dir.FullName;
            return Directory.GetCurrentDirectory();
        }
    }
}

/// <summary>One line of the results table. Ratio is always "how many times better ours is" (higher is better).</summary>
internal sealed record Row(string Measure, string Unit, double Ours, double? Theirs, string Reference, double Ratio, double? Target, string? Note = null, double? Tolerance = null)
{
    public bool? Met => Target is null || double.IsNaN(Ratio) ? null : Ratio >= Target;
}
