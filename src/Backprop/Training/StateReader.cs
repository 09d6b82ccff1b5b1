using System.Runtime.InteropServices;
using System.Text;

namespace Backprop.Training;

/// <summary>
/// Reads what <see cref="StateWriter"/> wrote. Every length is checked against the bytes that are left
/// before anything is allocated, so a damaged file cannot ask for more memory than its own size; any
/// shortfall is a <see cref="BackpropException"/> naming the source.
/// </summary>
internal sealed class StateReader(ReadOnlyMemory<byte> bytes, string source)
{
    private int _position;

    public string Source { get; } = source;
    public int Remaining => bytes.Length - _position;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining) throw Corrupt($"needs {count} more bytes, {Remaining} left");
        var span = bytes.Span.Slice(_position, count);
        _position += count;
        return span;
    }

    public BackpropException Corrupt(string why) => new($"{Source}: corrupt checkpoint ({why})");

    public byte ReadByte() => Take(1)[0];
    public bool ReadBool() => ReadByte() switch { 0 => false, 1 => true, var b => throw Corrupt($"{b} is not a boolean") };
    public int ReadInt32() => BitConverter.ToInt32(Take(4));
    public long ReadInt64() => BitConverter.ToInt64(Take(8));
    public double ReadDouble() => BitConverter.ToDouble(Take(8));

    /// <summary>A count of items that each take at least <paramref name="minBytesEach"/> bytes: checked against what is left.</summary>
    public int ReadCount(int minBytesEach = 1)
    {
        int count = ReadInt32();
        if (count < 0 || (long)count * Math.Max(minBytesEach, 1) > Remaining) throw Corrupt($"a count of {count} does not fit in the {Remaining} bytes left");
        return count;
    }

    public string ReadString()
    {
        int length = ReadCount();
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Take(length));
        }
        catch (DecoderFallbackException)
        {
            throw Corrupt("a string is not valid UTF-8");
        }
    }

    public T[] ReadArray<T>() where T : unmanaged
    {
        int count = ReadCount(Marshal.SizeOf<T>());
        return MemoryMarshal.Cast<byte, T>(Take(count * Marshal.SizeOf<T>())).ToArray();
    }

    /// <summary>An array that must have exactly as many elements as <paramref name="into"/>, read into it.</summary>
    public void ReadArrayInto<T>(Span<T> into, string what) where T : unmanaged
    {
        int count = ReadCount(Marshal.SizeOf<T>());
        if (count != into.Length) throw Corrupt($"{what} has {count} values, expected {into.Length}");
        MemoryMarshal.Cast<byte, T>(Take(count * Marshal.SizeOf<T>())).CopyTo(into);
    }
}
