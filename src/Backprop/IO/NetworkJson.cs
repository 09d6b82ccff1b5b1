using System.Globalization;
using System.Text;
using System.Text.Json;
using Backprop.Model;

namespace Backprop.IO;

/// <summary>
/// Reads and writes the <c>backprop.network/1</c> format. Reading is strict and says where a problem is
/// (file, line, layer, field), because this is the format people write by hand.
/// </summary>
public static class NetworkJson
{
    private static readonly string[] LayerFields = ["type", "inputs", "outputs", "weights", "bias", "init", "slope"];
    private static readonly string[] TopFields = ["format", "layers", "loss", "seed", "trained_on"];
    private static readonly string[] TrainedOnFields = ["data", "seed"];

    /// <summary>Reads a network file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="BackpropException">The file is missing or not a valid network; the message names the line, layer or field.</exception>
    public static NetworkSpec Load(string path)
    {
        if (!File.Exists(path)) throw new BackpropException($"{path}: file not found");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads the network format from text.</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">Names the text in messages.</param>
    /// <exception cref="BackpropException">Not a valid network; the message names the line, layer or field.</exception>
    public static NetworkSpec Parse(string json, string source = "network")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new BackpropException($"{source}: line {e.LineNumber + 1}: not valid JSON ({Excerpt.Of(FirstSentence(e.Message), 120)})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new BackpropException($"{source}: expected a JSON object with \"layers\" and \"loss\"");
            CheckFields(root, TopFields, source);
            if (root.TryGetProperty("format", out var format) && (format.ValueKind != JsonValueKind.String || format.GetString() != NetworkSpec.Format))
                throw new BackpropException($"{source}: format is '{Excerpt.Of(format.GetRawText())}', expected '{NetworkSpec.Format}'");
            if (!root.TryGetProperty("layers", out var layersElement) || layersElement.ValueKind != JsonValueKind.Array)
                throw new BackpropException($"{source}: missing \"layers\" array");
            var layers = new List<LayerSpec>();
            int index = 0;
            foreach (var element in layersElement.EnumerateArray()) layers.Add(ParseLayer(element, $"{source}: layers[{index++}]"));
            string loss = root.TryGetProperty("loss", out var lossElement) ? String(lossElement, $"{source}: loss") : "half_sse";
            int? seed = root.TryGetProperty("seed", out var seedElement) ? Int(seedElement, $"{source}: seed") : null;
            TrainedOn? trainedOn = null;
            if (root.TryGetProperty("trained_on", out var on))
            {
                if (on.ValueKind != JsonValueKind.Object) throw new BackpropException($"{source}: trained_on: expected an object like {{\"data\": \"spirals\", \"seed\": 1}}");
                CheckFields(on, TrainedOnFields, $"{source}: trained_on");
                trainedOn = new TrainedOn(on.TryGetProperty("data", out var d) ? String(d, $"{source}: trained_on: data") : throw new BackpropException($"{source}: trained_on: missing \"data\""),
                    on.TryGetProperty("seed", out var s) ? Int(s, $"{source}: trained_on: seed") : 1);
            }
            return new NetworkSpec(layers, loss, seed) { TrainedOn = trainedOn };
        }
    }

    private static LayerSpec ParseLayer(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new BackpropException($"{where}: expected an object like {{\"type\": \"dense\", ...}}");
        CheckFields(e, LayerFields, where);
        if (!e.TryGetProperty("type", out var type)) throw new BackpropException($"{where}: missing \"type\"");
        return new LayerSpec(String(type, $"{where}: type"))
        {
            Inputs = e.TryGetProperty("inputs", out var i) ? Int(i, $"{where}: inputs") : null,
            Outputs = e.TryGetProperty("outputs", out var o) ? Int(o, $"{where}: outputs") : null,
            Weights = e.TryGetProperty("weights", out var w) ? Rows(w, $"{where}: weights") : null,
            Bias = e.TryGetProperty("bias", out var b) ? Numbers(b, $"{where}: bias") : null,
            Init = e.TryGetProperty("init", out var init) ? String(init, $"{where}: init") : null,
            Slope = e.TryGetProperty("slope", out var s) ? Number(s, $"{where}: slope") : null,
        };
    }

    private static void CheckFields(JsonElement e, string[] known, string where)
    {
        foreach (var p in e.EnumerateObject())
            if (Array.IndexOf(known, p.Name) < 0)
                throw new BackpropException($"{where}: unknown field \"{Excerpt.Of(p.Name)}\" (expected: {string.Join(", ", known)})");
    }

    private static string String(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new BackpropException($"{where}: expected a string, got {Excerpt.Of(e.GetRawText())}");

    private static int Int(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : throw new BackpropException($"{where}: expected an integer, got {Excerpt.Of(e.GetRawText())}");

    private static double Number(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Number) throw new BackpropException($"{where}: expected a number, got {Excerpt.Of(e.GetRawText())}");
        double v = e.GetDouble();
        return double.IsFinite(v) ? v : throw new BackpropException($"{where}: {Excerpt.Of(e.GetRawText())} is too large for a double");
    }

    private static double[] Numbers(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Array) throw new BackpropException($"{where}: expected an array of numbers");
        var values = new double[e.GetArrayLength()];
        int k = 0;
        foreach (var item in e.EnumerateArray()) values[k] = Number(item, $"{where}[{k++}]");
        return values;
    }

    private static double[][] Rows(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Array) throw new BackpropException($"{where}: expected an array of rows");
        var rows = new double[e.GetArrayLength()][];
        int k = 0;
        foreach (var item in e.EnumerateArray()) rows[k] = Numbers(item, $"{where}[{k++}]");
        return rows;
    }

    private static string FirstSentence(string message) => message.Split(". ")[0].TrimEnd('.');

    /// <summary>The format as text: one layer per line group, one weight row per line, numbers round-trip exactly.</summary>
    /// <param name="spec">The network.</param>
    public static string Write(NetworkSpec spec)
    {
        var sb = new StringBuilder();
        sb.Append("{\n  \"format\": \"").Append(NetworkSpec.Format).Append("\",\n  \"layers\": [");
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            sb.Append(i == 0 ? "\n" : ",\n").Append("    { \"type\": ").Append(Quote(l.Type));
            if (l.Inputs is { } inputs) sb.Append(", \"inputs\": ").Append(inputs);
            if (l.Outputs is { } outputs) sb.Append(", \"outputs\": ").Append(outputs);
            if (l.Slope is { } slope) sb.Append(", \"slope\": ").Append(Format(slope));
            if (l.Init is { } init) sb.Append(", \"init\": ").Append(Quote(init));
            if (l.Weights is { } weights)
            {
                sb.Append(",\n      \"weights\": [");
                for (int r = 0; r < weights.Length; r++)
                    sb.Append(r == 0 ? "\n        " : ",\n        ").Append(NumberArray(weights[r]));
                sb.Append("\n      ]");
            }
            if (l.Bias is { } bias) sb.Append(",\n      \"bias\": ").Append(NumberArray(bias));
            sb.Append(l.Weights is null && l.Bias is null ? " }" : "\n    }");
        }
        sb.Append("\n  ],\n  \"loss\": ").Append(Quote(spec.Loss));
        if (spec.Seed is { } seed) sb.Append(",\n  \"seed\": ").Append(seed);
        if (spec.TrainedOn is { } on) sb.Append(",\n  \"trained_on\": { \"data\": ").Append(Quote(on.Data)).Append(", \"seed\": ").Append(on.Seed).Append(" }");
        return sb.Append("\n}\n").ToString();
    }

    /// <summary>A JSON string literal, escaped as JsonSerializer escapes it, without its reflection (the trimmed browser build).</summary>
    private static string Quote(string s) => "\"" + JsonEncodedText.Encode(s).Value + "\"";

    /// <summary>Writes <paramref name="spec"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="spec">The network.</param>
    /// <param name="path">The file.</param>
    public static void Save(NetworkSpec spec, string path) => AtomicFile.WriteAllText(path, Write(spec));

    private static string NumberArray(double[] values) => "[" + string.Join(", ", values.Select(Format)) + "]";

    /// <summary>Shortest text that reads back as the same double ("R" semantics); non-finite values are refused.</summary>
    /// <param name="v">A finite number.</param>
    public static string Format(double v) =>
        double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : throw new BackpropException($"cannot write {v} to a network file");
}
