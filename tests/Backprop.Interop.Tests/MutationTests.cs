using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Backprop.Tensors;
using Google.Protobuf;

namespace Backprop.Interop.Tests;

/// <summary>
/// Thousands of corrupted ONNX and safetensors files (truncated, bytes flipped, inserted or cut, header sizes,
/// offsets, dims and dtypes that lie, graphs rewired): each is refused with our one-line error or read into a network
/// that builds and runs; never another exception, never a hang, never a huge allocation.
/// </summary>
public class MutationTests(TorchOnnxCases cases) : IClassFixture<TorchOnnxCases>
{
    private const int PerFile = 400;
    private const long AllocationLimit = 64L << 20;
    private static readonly string[] Fields = ["dtype", "shape", "data_offsets"];
    private static readonly string[] Names = ["9.weight", "0.weight", "x", "0.bias", "1.1.weight", "a.0.weight"];
    private static readonly string[] Attributes = ["transA", "transB", "axis", "alpha", "beta", "value"];

    private static IEnumerable<(string Name, byte[] Bytes)> ValidFiles()
    {
        foreach (int seed in new[] { 2, 3, 5 })
        {
            var spec = RandomNets.Make(seed);
            foreach (bool f64 in new[] { false, true })
            {
                using var onnx = new MemoryStream();
                OnnxWriter.Write(spec, onnx, f64);
                yield return ($"net{seed}.onnx", onnx.ToArray());
                using var st = new MemoryStream();
                IO.NetworkSafetensors.Write(spec, st, f64);
                yield return ($"net{seed}.safetensors", st.ToArray());
            }
        }
    }

    public static TheoryData<int> FileIndexes() => [.. Enumerable.Range(0, ValidFiles().Count())];

    [Theory]
    [MemberData(nameof(FileIndexes))]
    public void CorruptedFiles_GiveOurErrorOrAWorkingNetwork(int index)
    {
        var (name, valid) = ValidFiles().ElementAt(index);
        Check(name, valid, "unchanged", mustRead: true);
        int refused = 0;
        for (int k = 0; k < PerFile; k++)
        {
            var rng = new Random(index * 100_000 + k);
            var (kind, bytes) = name.EndsWith(".onnx") ? MutateOnnx(valid, rng) : MutateSafetensors(valid, rng);
            if (!Check(name, bytes, $"{kind} (case {k})")) refused++;
        }
        Assert.True(refused > PerFile / 2, $"only {refused} of {PerFile} corrupted files were refused");
    }

    /// <summary>Graphs as torch writes them: MatMul + Add, Flatten, Softmax/LogSoftmax, shared initializers through Identity.</summary>
    [Theory]
    [InlineData("4/model.onnx")]
    [InlineData("5/model.onnx")]
    [InlineData("10/model.onnx")]
    [InlineData("shared.onnx")]
    public void CorruptedTorchOnnx_GiveOurErrorOrAWorkingNetwork(string file)
    {
        var valid = File.ReadAllBytes(cases[file]);
        Check("model.onnx", valid, "unchanged", mustRead: true);
        int refused = 0;
        for (int k = 0; k < PerFile; k++)
        {
            var (kind, bytes) = MutateOnnx(valid, new Random(k));
            if (!Check("model.onnx", bytes, $"{kind} (case {k})")) refused++;
        }
        Assert.True(refused > PerFile / 2, $"only {refused} of {PerFile} corrupted files were refused");
    }

    /// <summary>Reads, builds and runs; true when it read. Fails the test on any exception but ours, a slow read or a big allocation.</summary>
    private static bool Check(string name, byte[] bytes, string what, bool mustRead = false)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        try
        {
            var spec = NetworkFiles.Parse(bytes, name);
            var net = spec.Build<double>();
            var x = new Matrix<double>(2, net.Inputs);
            net.Forward(x);
            return true;
        }
        catch (BackpropException e)
        {
            Assert.False(mustRead, $"{what}: {e.Message}");
            Assert.DoesNotContain('\n', e.Message);
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            return false;
        }
        catch (Exception e)
        {
            Assert.Fail($"{name}, {what}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            return false;
        }
        finally
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{name}, {what}: took {clock.Elapsed}");
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < AllocationLimit, $"{name}, {what}: allocated {allocated} bytes");
        }
    }

    private static (string, byte[]) MutateBytes(byte[] valid, Random rng)
    {
        var b = (byte[])valid.Clone();
        switch (rng.Next(4))
        {
            case 0: return ("truncated", b[..rng.Next(b.Length)]);
            case 1:
                for (int i = 0, n = 1 + rng.Next(8); i < n; i++) b[rng.Next(b.Length)] = (byte)rng.Next(256);
                return ("bytes flipped", b);
            case 2:
                {
                    int at = rng.Next(b.Length);
                    var extra = new byte[1 + rng.Next(16)];
                    rng.NextBytes(extra);
                    return ("bytes inserted", [.. b[..at], .. extra, .. b[at..]]);
                }
            default:
                {
                    int at = rng.Next(b.Length), n = Math.Min(1 + rng.Next(16), b.Length - at);
                    return ("bytes cut", [.. b[..at], .. b[(at + n)..]]);
                }
        }
    }

    private static (string, byte[]) MutateSafetensors(byte[] valid, Random rng)
    {
        if (rng.Next(3) == 0) return MutateBytes(valid, rng);
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(valid, 8, n))!.AsObject();
        var data = valid[(8 + n)..];
        string kind;
        if (rng.Next(6) == 0)
        {
            // A lying header size over the honest header.
            ulong[] lies = [0, 1, (ulong)n - 1, (ulong)n + 1, (ulong)valid.Length, (ulong)valid.Length - 7, 100_000_001, ulong.MaxValue, 1UL << 63, (ulong)rng.NextInt64()];
            var b = (byte[])valid.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(b, lies[rng.Next(lies.Length)]);
            return ("header size lies", b);
        }
        var names = header.Select(p => p.Key).Where(k => k != "__metadata__").ToList();
        var tensor = header[names[rng.Next(names.Count)]]!.AsObject();
        long[] numbers = [-1, 0, 1, 2, 3, int.MaxValue, (long)int.MaxValue + 1, long.MaxValue, 1L << 40, rng.Next(200)];
        switch (rng.Next(8))
        {
            case 0:
                kind = "offset lies";
                tensor["data_offsets"]![rng.Next(2)] = numbers[rng.Next(numbers.Length)];
                break;
            case 1:
                {
                    kind = "dimension lies";
                    var shape = tensor["shape"]!.AsArray();
                    if (shape.Count == 0) shape.Add(1);
                    shape[rng.Next(shape.Count)] = numbers[rng.Next(numbers.Length)];
                    break;
                }
            case 2:
                kind = "dtype changed";
                tensor["dtype"] = new[] { "F16", "BF16", "F32", "F64", "I64", "U8", "BOOL", "" }[rng.Next(8)];
                break;
            case 3:
                kind = "field removed";
                tensor.Remove(Fields[rng.Next(Fields.Length)]);
                break;
            case 4:
                kind = "shape reshaped";
                tensor["shape"] = new JsonArray([.. Enumerable.Range(0, rng.Next(4)).Select(_ => JsonValue.Create(rng.Next(1, 9)))]);
                break;
            case 5:
                {
                    kind = "metadata changed";
                    var meta = header["__metadata__"]!.AsObject();
                    string network = meta["backprop.network"]!.GetValue<string>();
                    string[] edits = ["\"dense\"", "\"relu\"", "\"sigmoid\"", "1", "2", "\"loss\": \"", "[", "{"];
                    string from = edits[rng.Next(edits.Length)], to = edits[rng.Next(edits.Length)];
                    int at = network.IndexOf(from, StringComparison.Ordinal);
                    meta["backprop.network"] = at < 0 ? network[..(network.Length / 2)] : network[..at] + to + network[(at + from.Length)..];
                    if (rng.Next(4) == 0) meta.Remove("backprop.network");
                    break;
                }
            case 6:
                kind = "tensor renamed";
                header.Remove(names[0], out var node);
                header[Names[rng.Next(Names.Length)]] = node;
                break;
            default:
                kind = "non-object entry";
                header[names[rng.Next(names.Count)]] = rng.Next(2) == 0 ? JsonValue.Create(3) : new JsonArray();
                break;
        }
        var text = Encoding.UTF8.GetBytes(header.ToJsonString());
        var size = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(size, (ulong)text.Length);
        return (kind, [.. size, .. text, .. data]);
    }

    private static (string, byte[]) MutateOnnx(byte[] valid, Random rng)
    {
        if (rng.Next(3) == 0) return MutateBytes(valid, rng);
        var model = Onnx.ModelProto.Parser.ParseFrom(valid);
        var g = model.Graph;
        var init = g.Initializer[rng.Next(g.Initializer.Count)];
        var node = g.Node[rng.Next(g.Node.Count)];
        long[] numbers = [-1, 0, 1, 2, 3, int.MaxValue, (long)int.MaxValue + 1, long.MaxValue, 1L << 40, rng.Next(200)];
        string kind;
        switch (rng.Next(12))
        {
            case 0:
                kind = "dimension lies";
                if (init.Dims.Count == 0) init.Dims.Add(1);
                init.Dims[rng.Next(init.Dims.Count)] = numbers[rng.Next(numbers.Length)];
                break;
            case 1:
                kind = "dims added or removed";
                if (rng.Next(2) == 0 && init.Dims.Count > 0) init.Dims.RemoveAt(0);
                else init.Dims.Add(numbers[rng.Next(numbers.Length)]);
                break;
            case 2:
                kind = "raw_data cut";
                init.RawData = ByteString.CopyFrom(init.RawData.Span[..rng.Next(init.RawData.Length + 1)]);
                break;
            case 3:
                kind = "data moved to float_data";
                init.RawData = ByteString.Empty;
                init.ClearRawData();
                for (int i = 0, n = rng.Next(12); i < n; i++) init.FloatData.Add((float)rng.NextDouble());
                break;
            case 4:
                kind = "data type changed";
                init.DataType = new[] { 0, 1, 2, 6, 7, 10, 11, 16, 99, -1 }[rng.Next(10)];
                break;
            case 5:
                kind = "initializer removed";
                g.Initializer.Remove(init);
                break;
            case 6:
                kind = "op changed";
                node.OpType = new[] { "Conv", "Gemm", "MatMul", "Add", "Relu", "Softmax", "Flatten", "LeakyRelu", "Identity", "Constant", "" }[rng.Next(11)];
                break;
            case 7:
                kind = "input rewired";
                if (node.Input.Count > 0) node.Input[rng.Next(node.Input.Count)] = new[] { "input", "output", "nope", "", g.Initializer[0].Name, g.Node[0].Output[0] }[rng.Next(6)];
                else node.Input.Add("input");
                break;
            case 8:
                kind = "nodes swapped";
                if (g.Node.Count > 1)
                {
                    int a = rng.Next(g.Node.Count), b = rng.Next(g.Node.Count);
                    (g.Node[a], g.Node[b]) = (g.Node[b], g.Node[a]);
                }
                break;
            case 9:
                kind = "attribute changed";
                node.Attribute.Add(new Onnx.AttributeProto { Name = Attributes[rng.Next(Attributes.Length)], I = numbers[rng.Next(numbers.Length)], F = (float)(rng.NextDouble() * 4 - 2) });
                break;
            case 10:
                kind = "opset or graph io changed";
                switch (rng.Next(4))
                {
                    case 0: model.OpsetImport[0].Version = rng.Next(1, 25); break;
                    case 1: g.Output[0].Name = "elsewhere"; break;
                    case 2: g.Input.Add(g.Input[0].Clone()); break;
                    default: g.Input[0].Type.TensorType.Shape.Dim[1].DimValue = numbers[rng.Next(numbers.Length)]; break;
                }
                break;
            default:
                kind = "external data";
                init.DataLocation = Onnx.TensorProto.Types.DataLocation.External;
                break;
        }
        return (kind, model.ToByteArray());
    }
}
