using Backprop.IO;
using Backprop.Model;

namespace Backprop.Interop;

/// <summary>
/// The one way in and out for network files: <see cref="Read"/> takes JSON, ONNX or safetensors, recognised by
/// content rather than by name; <see cref="Write"/> writes any of them atomically.
/// </summary>
public static class NetworkFiles
{
    /// <summary>The largest file read (protobuf's own limit is 2 GB; our networks are far smaller).</summary>
    public const long MaxBytes = int.MaxValue;

    /// <summary>
    /// Reads a network from <paramref name="path"/>, whatever its format. <paramref name="activation"/> is the
    /// activation between dense layers of a safetensors file without our metadata (a PyTorch state dict);
    /// <paramref name="loss"/>, when given, replaces the loss the file names (or implies).
    /// </summary>
    public static NetworkSpec Read(string path, string? activation = null, string? loss = null)
    {
        if (activation is not null && Array.IndexOf(NetworkSpec.ActivationTypes, activation) < 0)
            throw new BackpropException($"unknown activation '{activation}' (expected one of: {string.Join(", ", NetworkSpec.ActivationTypes)})");
        if (loss is not null) Losses.Loss<double>.Create(loss);
        var spec = Parse(ReadBytes(path), path, activation);
        return loss is null ? spec : spec with { Loss = loss };
    }

    /// <summary>A network from a file's bytes (JSON, ONNX or safetensors), by content; <paramref name="source"/> names it in errors.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="source">What errors call the file, such as its name.</param>
    /// <param name="activation">The activation between dense layers of a safetensors file without our metadata.</param>
    /// <exception cref="BackpropException">The bytes are no valid network; the message names the problem.</exception>
    public static NetworkSpec Parse(byte[] bytes, string source, string? activation = null) => ByContent(bytes, source) switch
    {
        NetworkFormat.Json => NetworkJson.Parse(System.Text.Encoding.UTF8.GetString(bytes), source),
        NetworkFormat.Safetensors => NetworkSafetensors.Read(bytes, source, activation),
        _ => OnnxReader.Read(bytes, source, source.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)),
    };

    /// <summary>The format of a file's bytes: safetensors (a header size, then '{'), JSON ('{' first), else ONNX.</summary>
    public static NetworkFormat Detect(ReadOnlySpan<byte> bytes)
    {
        if (Safetensors.Sniff(bytes)) return NetworkFormat.Safetensors;
        if (bytes.StartsWith("\xEF\xBB\xBF"u8)) bytes = bytes[3..];
        foreach (byte b in bytes)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
            return b is (byte)'{' or (byte)'/' ? NetworkFormat.Json : NetworkFormat.Onnx;
        }
        return NetworkFormat.Json; // empty or blank: the JSON reader says so
    }

    /// <summary>
    /// The format by content; where the content is no known format, the name decides between safetensors (whose
    /// header size may be the broken part) and ONNX (protobuf has no signature to recognise it by).
    /// </summary>
    private static NetworkFormat ByContent(byte[] bytes, string source) => Detect(bytes) switch
    {
        NetworkFormat.Onnx when source.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) => NetworkFormat.Safetensors,
        var format => format,
    };

    /// <summary>The format a name stands for: json, onnx or safetensors (also a file's extension).</summary>
    public static NetworkFormat ParseFormat(string name) => name.TrimStart('.').ToLowerInvariant() switch
    {
        "json" => NetworkFormat.Json,
        "onnx" => NetworkFormat.Onnx,
        "safetensors" => NetworkFormat.Safetensors,
        _ => throw new BackpropException($"unknown network format '{name}' (expected json, onnx or safetensors)"),
    };

    /// <summary>Writes <paramref name="spec"/> to <paramref name="path"/> atomically (float32 unless <paramref name="float64"/>; JSON is always exact).</summary>
    public static void Write(NetworkSpec spec, string path, NetworkFormat format, bool float64 = false)
    {
        switch (format)
        {
            case NetworkFormat.Json: NetworkJson.Save(spec, path); break;
            case NetworkFormat.Safetensors: NetworkSafetensors.Save(spec, path, float64); break;
            default:
                using (var buffer = new MemoryStream()) // built in full first, so a refused network leaves no file behind
                {
                    OnnxWriter.Write(spec, buffer, float64);
                    AtomicFile.Write(path, stream => buffer.WriteTo(stream));
                }
                break;
        }
    }

    private static byte[] ReadBytes(string path)
    {
        if (Directory.Exists(path)) throw new BackpropException($"{path}: is a directory, not a network file");
        if (!File.Exists(path)) throw new BackpropException($"{path}: file not found");
        var info = new FileInfo(path);
        if (info.Length > MaxBytes) throw new BackpropException($"{path}: {info.Length} bytes is too large for a network file");
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackpropException($"{path}: cannot read ({e.Message})");
        }
    }
}
