using System.Buffers.Binary;
using System.IO.Compression;

namespace Backprop.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST (optionally gzipped): a magic number whose third byte is
/// the element type (0x08 = unsigned byte) and fourth the number of dimensions, the big-endian sizes,
/// then the data.
/// </summary>
internal static class Idx
{
    public static (byte[] Data, int[] Shape) Read(string path)
    {
        if (!File.Exists(path)) throw new BackpropException($"{path}: file not found");
        using var file = File.OpenRead(path);
        return Read(file, path, gzip: path.EndsWith(".gz", StringComparison.Ordinal));
    }

    /// <summary>Reads IDX bytes (gzipped when <paramref name="gzip"/>); <paramref name="path"/> names them in errors.</summary>
    internal static (byte[] Data, int[] Shape) Read(Stream input, string path, bool gzip)
    {
        using var gunzip = gzip ? new GZipStream(input, CompressionMode.Decompress, leaveOpen: true) : null;
        Stream stream = gunzip ?? input;
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            byte[] magic = reader.ReadBytes(4);
            if (magic.Length < 4 || magic[0] != 0 || magic[1] != 0) throw new BackpropException($"{path}: not an IDX file (bad magic number)");
            if (magic[2] != 0x08) throw new BackpropException($"{path}: IDX element type 0x{magic[2]:x2} is not supported (only unsigned bytes)");
            var shape = new int[magic[3]];
            long total = 1;
            for (int d = 0; d < shape.Length; d++)
            {
                shape[d] = BinaryPrimitives.ReverseEndianness(reader.ReadInt32()); // sizes are big-endian
                if (shape[d] < 0) throw new BackpropException($"{path}: corrupt IDX file (dimension {d} is {shape[d]})");
                total *= shape[d];
                if (total > Array.MaxLength) throw new BackpropException($"{path}: corrupt IDX file ({string.Join('×', shape[..(d + 1)])} bytes is too large)");
            }
            // The sizes are a claim: check it against the bytes there are before allocating for it.
            if (!gzip && input.CanSeek && input.Length - input.Position < total)
                throw new BackpropException($"{path}: truncated: {input.Length - input.Position} of {total} bytes");
            byte[] data = ReadUpTo(stream, (int)total);
            if (data.Length != total) throw new BackpropException($"{path}: truncated: {data.Length} of {total} bytes");
            return (data, shape);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new BackpropException($"{path}: truncated or corrupt IDX file");
        }
    }

    /// <summary>Up to <paramref name="count"/> bytes, in a buffer that grows with what actually arrives (a gzip stream's size is unknown).</summary>
    private static byte[] ReadUpTo(Stream stream, int count)
    {
        var buffer = new byte[Math.Min(count, 1 << 20)];
        int filled = 0;
        while (filled < count)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
            int n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0) break;
            filled += n;
        }
        if (filled < buffer.Length) Array.Resize(ref buffer, filled);
        return buffer;
    }
}
