using System.Reflection;
using Backprop.Data;
using Backprop.IO;
using Backprop.Model;

namespace Backprop.Explain;

/// <summary>
/// The networks of the three articles, with inputs and targets: the files of examples/ built into the
/// library, so <c>--example article1</c> works anywhere.
/// </summary>
public static class Examples
{
    /// <summary>One example: a network with its weights, a batch and its targets.</summary>
    /// <param name="Name">The example's name, such as <c>article1</c>.</param>
    /// <param name="Network">The network.</param>
    /// <param name="X">The batch, one example per row.</param>
    /// <param name="T">The targets.</param>
    public sealed record Example(string Name, NetworkSpec Network, double[][] X, double[][] T);

    /// <summary>The names of the built-in examples.</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(Examples).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("examples/", StringComparison.Ordinal) && n.EndsWith("/network.json", StringComparison.Ordinal))
        .Select(n => n.Split('/')[1]).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Names that say what each network is, for readers who have not read the articles: the activation (or
    /// linear) and the layer sizes. Each stands for the article example beside it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>
    {
        ["sigmoid-2-3-1"] = "article1",
        ["linear-1-1"] = "article2-1-1",
        ["linear-1-1-1"] = "article2-1-1-1",
        ["linear-1-2"] = "article2-1-2",
        ["linear-2-2-2"] = "article2-2-2-2",
        ["linear-2-2-2-2"] = "article2-2-2-2-2",
        ["relu-3-4-2"] = "article3",
    };

    /// <summary>Every name <see cref="Load"/> takes: the descriptive aliases, then the article names.</summary>
    public static IEnumerable<string> AllNames => Aliases.Keys.Concat(Names);

    /// <summary>A built-in example by name or alias.</summary>
    /// <param name="name">One of <see cref="AllNames"/>.</param>
    /// <exception cref="BackpropException">An unknown name.</exception>
    public static Example Load(string name)
    {
        name = Aliases.TryGetValue(name, out var article) ? article : name;
        if (!Names.Contains(name)) throw new BackpropException($"unknown example '{name}' (expected one of: {string.Join(", ", AllNames)})");
        return new Example(name, NetworkJson.Parse(Read(name, "network.json"), $"example {name}"),
            ReadCsv(name, "X.csv"), ReadCsv(name, "T.csv"));
    }

    private static string Read(string name, string file)
    {
        using var stream = typeof(Examples).Assembly.GetManifestResourceStream($"examples/{name}/{file}")
            ?? throw new BackpropException($"example {name} has no {file}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static double[][] ReadCsv(string name, string file) => Csv.Parse(new StringReader(Read(name, file)), $"example {name}/{file}");
}
