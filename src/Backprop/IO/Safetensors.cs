using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Backprop.IO;

/// <summary>One tensor of a safetensors file: its name, shape (row-major) and values.</summary>
/// <param name="Name">The tensor's name, such as <c>0.weight</c>.</param>
/// <param name="Shape">The dimensions, outermost first; empty for a scalar.</param>
/// <param name="Values">The elements in row-major order, widened to double.</param>
public sealed record SafetensorsTensor(string Name, int[] Shape, double[] Values);

/// <summary>
/// The safetensors format, exactly as published: an 8-byte little-endian header size N, N bytes of JSON
/// (<c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}</c>), then the
/// raw little-endian data, offsets relative to its start. Reading trusts nothing: every size, offset and count is
/// checked against the file before anything is allocated for it.
/// </summary>
public static class Safetensors
{
    /// <summary>The largest header we read (the reference implementation's limit is the same 100 MB).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    /// <summary>Whether <paramref name="prefix"/> (the first bytes of a file) looks like safetensors: a size, then '{'.</summary>
    public static bool Sniff(ReadOnlySpan<byte> prefix) =>
        prefix.Length >= 9 && BinaryPrimitives.ReadUInt64LittleEndian(prefix) is > 1 and <= MaxHeaderBytes && prefix[8] == (byte)'{';

    /// <summary>Reads every tensor (widened to double) and the string metadata of a safetensors file held in memory.</summary>
    public static (IReadOnlyList<SafetensorsTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(byte[] file, string source)
    {
        if (file.Length < 8) throw Bad(source, $"{file.Length} bytes is too short for the 8-byte header size");
        ulong headerSize = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerSize > MaxHeaderBytes) throw Bad(source, $"header size {headerSize} exceeds the {MaxHeaderBytes}-byte limit");
        if (headerSize > (ulong)(file.Length - 8)) throw Bad(source, $"header size {headerSize} runs past the end of the {file.Length}-byte file");
        int dataStart = 8 + (int)headerSize;
        long dataLength = file.Length - dataStart;

        JsonDocument header;
        try
        {
            string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file, 8, (int)headerSize);
            header = JsonDocument.Parse(text);
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException)
        {
            throw Bad(source, "the header is not valid UTF-8 JSON");
        }

        var entries = new List<(string Name, string Dtype, int[] Shape, long Begin, long End)>();
        var metadata = new Dictionary<string, string>();
        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object) throw Bad(source, "the header is not a JSON object");
            var names = new HashSet<string>();
            foreach (var property in header.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw Bad(source, $"\"{property.Name}\" appears twice in the header");
                if (property.Name == MetadataKey) ReadMetadata(property.Value, metadata, source);
                else entries.Add(ReadEntry(property.Name, property.Value, dataLength, source));
            }
        }

        // The tensors must tile the data exactly: sorted by offset, each begins where the one before ends.
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long at = 0;
        foreach (var e in entries)
        {
            if (e.Begin < at) throw Bad(source, $"tensor \"{e.Name}\" overlaps the tensor before it (data_offsets [{e.Begin}, {e.End}])");
            if (e.Begin > at) throw Bad(source, $"bytes {at} to {e.Begin} of the data belong to no tensor");
            at = e.End;
        }
        if (at != dataLength) throw Bad(source, $"the tensors cover {at} bytes but the data holds {dataLength}");

        var tensors = new List<SafetensorsTensor>(entries.Count);
        foreach (var e in entries)
            tensors.Add(new SafetensorsTensor(e.Name, e.Shape, Decode(file.AsSpan(dataStart + (int)e.Begin, (int)(e.End - e.Begin)), e.Dtype)));
        return (tensors, metadata);
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Bad(source, "__metadata__ is not an object of strings");
        foreach (var p in value.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String) throw Bad(source, $"__metadata__ \"{p.Name}\" is not a string");
            if (!metadata.TryAdd(p.Name, p.Value.GetString()!)) throw Bad(source, $"__metadata__ \"{p.Name}\" appears twice");
        }
    }

    private static (string, string, int[], long, long) ReadEntry(string name, JsonElement e, long dataLength, string source)
    {
        string where = $"tensor \"{name}\"";
        if (e.ValueKind != JsonValueKind.Object) throw Bad(source, $"{where} is not an object with dtype, shape and data_offsets");
        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "dtype" when dtypeElement is null: dtypeElement = p.Value; break;
                case "shape" when shapeElement is null: shapeElement = p.Value; break;
                case "data_offsets" when offsetsElement is null: offsetsElement = p.Value; break;
                default: throw Bad(source, $"{where} has an unexpected or repeated field \"{p.Name}\"");
            }
        }
        if (dtypeElement is not { ValueKind: JsonValueKind.String } dtype) throw Bad(source, $"{where} has no dtype string");
        string type = dtype.GetString()!;
        int size = ElementSize(type) ?? throw Bad(source, $"{where} has dtype {type}, which backprop does not read (F16, BF16, F32, F64)");
        if (shapeElement is not { ValueKind: JsonValueKind.Array } shapeArray) throw Bad(source, $"{where} has no shape array");
        if (shapeArray.GetArrayLength() > 8) throw Bad(source, $"{where} has {shapeArray.GetArrayLength()} dimensions");
        var shape = new int[shapeArray.GetArrayLength()];
        long count = 1;
        int k = 0;
        foreach (var d in shapeArray.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int dim) || dim < 0) throw Bad(source, $"{where} has a bad dimension {d} in its shape");
            shape[k++] = dim;
            count *= dim; // each factor < 2^31 and the running product is capped below, so this cannot overflow
            if (count > dataLength) throw Bad(source, $"{where} has shape [{string.Join(", ", shape.Take(k))}…], more elements than the data holds");
        }
        if (offsetsElement is not { ValueKind: JsonValueKind.Array } offsets || offsets.GetArrayLength() != 2) throw Bad(source, $"{where} has no data_offsets [begin, end]");
        long begin = Offset(offsets[0], where, source), end = Offset(offsets[1], where, source);
        if (begin > end || end > dataLength) throw Bad(source, $"{where} has data_offsets [{begin}, {end}] outside the {dataLength} bytes of data");
        if (end - begin != count * size)
            throw Bad(source, $"{where} is {type} [{string.Join(", ", shape)}], {count * size} bytes, but its data_offsets span {end - begin}");
        return (name, type, shape, begin, end);
    }

    private static long Offset(JsonElement e, string where, string source) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) && v >= 0 ? v : throw Bad(source, $"{where} has a bad data offset {e}");

    private static int? ElementSize(string dtype) => dtype switch
    {
        "F16" or "BF16" => 2,
        "F32" => 4,
        "F64" => 8,
        _ => null,
    };

    private static double[] Decode(ReadOnlySpan<byte> bytes, string dtype)
    {
        int size = ElementSize(dtype)!.Value;
        var values = new double[bytes.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            var b = bytes.Slice(i * size, size);
            values[i] = dtype switch
            {
                "F16" => (double)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(b)),
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16),
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(b),
                _ => BinaryPrimitives.ReadDoubleLittleEndian(b),
            };
        }
        return values;
    }

    /// <summary>
    /// Writes tensors in order as F32 (or F64 when <paramref name="float64"/>) with string metadata. The header is
    /// padded with spaces to a multiple of 8 bytes, as the reference writer does, so that the data is aligned.
    /// </summary>
    public static void Write(Stream stream, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string> metadata, bool float64)
    {
        int size = float64 ? 8 : 4;
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (metadata.Count > 0)
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata) w.WriteString(key, value);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in tensors)
            {
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", float64 ? "F64" : "F32");
                w.WriteStartArray("shape");
                foreach (int d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset += (long)t.Values.Length * size);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        int padding = (int)((8 - json.Length % 8) % 8);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)(json.Length + padding));
        stream.Write(header);
        json.Position = 0;
        json.CopyTo(stream);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
        var buffer = new byte[size];
        foreach (var t in tensors)
            foreach (double v in t.Values)
            {
                if (float64) BinaryPrimitives.WriteDoubleLittleEndian(buffer, v);
                else BinaryPrimitives.WriteSingleLittleEndian(buffer, (float)v);
                stream.Write(buffer);
            }
    }

    private static BackpropException Bad(string source, string problem) => new($"{source}: not a valid safetensors file: {problem}");
}
