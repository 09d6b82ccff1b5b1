using System.Buffers.Binary;
using System.Text;
using Backprop.IO;

namespace Backprop.Interop.Tests;

/// <summary>The safetensors format itself: what we write, the dtypes we read, and each lie in a header refused by name.</summary>
public class SafetensorsFormatTests
{
    private static byte[] File(string header, byte[] data)
    {
        var text = Encoding.UTF8.GetBytes(header);
        var size = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(size, (ulong)text.Length);
        return [.. size, .. text, .. data];
    }

    [Fact]
    public void Write_PadsTheHeaderTo8Bytes_AndWritesLittleEndianData()
    {
        using var stream = new MemoryStream();
        Safetensors.Write(stream, [new SafetensorsTensor("a", [2], [1.5, -2]), new SafetensorsTensor("b", [1, 1], [0.25])], new Dictionary<string, string> { ["k"] = "v" }, float64: false);
        var bytes = stream.ToArray();
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, n % 8);
        Assert.Equal((byte)'{', bytes[8]);
        Assert.Equal(8 + (int)n + 12, bytes.Length);
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)n)));
        Assert.Equal(0.25f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)n + 8)));
        var (tensors, metadata) = Safetensors.Read(bytes, "t");
        Assert.Equal("v", metadata["k"]);
        Assert.Equal([1.5, -2], tensors.Single(t => t.Name == "a").Values);
        Assert.Equal([1, 1], tensors.Single(t => t.Name == "b").Shape);
    }

    [Fact]
    public void Read_DecodesF16AndBF16()
    {
        Half[] halves = [(Half)1.5, (Half)(-0.1), Half.MaxValue];
        var data = halves.SelectMany(h => BitConverter.GetBytes(BitConverter.HalfToUInt16Bits(h)))
            .Concat(new[] { 1.5f, -3.25f }.SelectMany(f => BitConverter.GetBytes((ushort)(BitConverter.SingleToInt32Bits(f) >> 16)))).ToArray();
        var (tensors, _) = Safetensors.Read(File("""{"h":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[6,10]}}""", data), "t");
        Assert.Equal(halves.Select(h => (double)h), tensors.Single(t => t.Name == "h").Values);
        Assert.Equal([1.5, -3.25], tensors.Single(t => t.Name == "b").Values);
    }

    public static TheoryData<string, int, string> Lies() => new()
    {
        { """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "overlaps the tensor before it" },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "bytes 0 to 4 of the data belong to no tensor" },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8, "the tensors cover 4 bytes but the data holds 8" },
        { """{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "is F32 [3], 12 bytes, but its data_offsets span 8" },
        { """{"a":{"dtype":"F32","shape":[65536,65536,65536,65536],"data_offsets":[0,8]}}""", 8, "more elements than the data holds" },
        { """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,80]}}""", 8, "outside the 8 bytes of data" },
        { """{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}""", 8, "has dtype I64, which backprop does not read" },
        { """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}}""", 8, "\"a\" appears twice" },
        { """{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8, "bad dimension -2" },
        { """{"__metadata__":{"k":1}}""", 0, "__metadata__ \"k\" is not a string" },
        { """[1, 2]""", 0, "the header is not a JSON object" },
    };

    [Theory]
    [MemberData(nameof(Lies))]
    public void LyingHeaders_AreRefusedByName(string header, int dataBytes, string message)
    {
        var e = Assert.Throws<BackpropException>(() => Safetensors.Read(File(header, new byte[dataBytes]), "w.safetensors"));
        Assert.StartsWith("w.safetensors: not a valid safetensors file: ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData(0UL, "runs past the end")]
    [InlineData(100_000_001UL, "exceeds the 100000000-byte limit")]
    [InlineData(ulong.MaxValue, "exceeds the 100000000-byte limit")]
    public void HeaderSize_IsCheckedAgainstTheFileAndALimit(ulong lie, string message)
    {
        var bytes = File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", new byte[4]);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, lie == 0 ? (ulong)bytes.Length : lie);
        var e = Assert.Throws<BackpropException>(() => Safetensors.Read(bytes, "w.safetensors"));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void StateDict_WithForeignNamesOrShapes_IsRefusedByName()
    {
        using var stream = new MemoryStream();
        Safetensors.Write(stream, [new SafetensorsTensor("fc1.weight", [2, 3], new double[6])], new Dictionary<string, string>(), float64: false);
        var e = Assert.Throws<BackpropException>(() => NetworkSafetensors.Read(stream.ToArray(), "m.safetensors"));
        Assert.Contains("tensor \"fc1.weight\" is not named like an nn.Sequential state dict", e.Message);

        stream.SetLength(0);
        Safetensors.Write(stream, [new SafetensorsTensor("0.weight", [2, 3], new double[6]), new SafetensorsTensor("1.weight", [4, 3], new double[12])], new Dictionary<string, string>(), float64: false);
        e = Assert.Throws<BackpropException>(() => NetworkSafetensors.Read(stream.ToArray(), "m.safetensors"));
        Assert.Contains("tensor \"1.weight\" takes 3 inputs but the layer before gives 2", e.Message);
    }
}
