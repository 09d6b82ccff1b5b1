using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Backprop.Training;

/// <summary>
/// Little-endian binary writing for checkpoints: numbers and arrays as their raw bits (so a restored
/// value is the same value, not a decimal rounding of it), strings and arrays with their length first.
/// </summary>
internal sealed class StateWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public void Write(byte value) => Write([value]);
    public void Write(bool value) => Write(value ? (byte)1 : (byte)0);
    public void Write(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);
    public void Write(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);
    public void Write(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);

    public void Write(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        Write(bytes.Length);
        Write(bytes);
    }

    /// <summary>The element count, then the elements' bytes (the machine's order: little-endian on every .NET target we run on).</summary>
    public void WriteArray<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        Write(values.Length);
        Write(MemoryMarshal.AsBytes(values));
    }

    public void Write(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    private Span<byte> Reserve(int count)
    {
        var span = _buffer.GetSpan(count)[..count];
        _buffer.Advance(count);
        return span;
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
