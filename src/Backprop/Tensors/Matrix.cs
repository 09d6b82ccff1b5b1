using System.Numerics;

namespace Backprop.Tensors;

/// <summary>
/// A dense row-major matrix of float or double. Element (i, j) lives at <c>Data[i * Cols + j]</c>.
/// The backing array may be longer than Rows·Cols: buffers grow but never shrink, so a training
/// loop that alternates batch sizes (the last, short batch of an epoch) allocates nothing new.
/// </summary>
public sealed class Matrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Matrix(int rows, int cols)
    {
        Data = Allocate(CheckedLength(rows, cols));
        Rows = rows;
        Cols = cols;
    }

    public Matrix(int rows, int cols, T[] data)
    {
        if (data.Length < CheckedLength(rows, cols)) throw new ArgumentException($"{data.Length} values cannot fill {rows}×{cols}", nameof(data));
        Rows = rows;
        Cols = cols;
        Data = data;
    }

    public int Rows { get; private set; }
    public int Cols { get; private set; }
    public T[] Data { get; private set; }
    public int Length => Rows * Cols;
    public string Shape => $"{Rows}×{Cols}";

    public Span<T> Span => Data.AsSpan(0, Rows * Cols);
    public Span<T> Row(int i) => Data.AsSpan(i * Cols, Cols);

    public T this[int i, int j]
    {
        get => Data[i * Cols + j];
        set => Data[i * Cols + j] = value;
    }

    /// <summary>Gives this matrix a new shape, reusing its storage when it is large enough. Contents are unspecified.</summary>
    public Matrix<T> Reshape(int rows, int cols)
    {
        int length = CheckedLength(rows, cols);
        if (Data.Length < length) Data = Allocate(length);
        Rows = rows;
        Cols = cols;
        return this;
    }

    /// <summary>Returns <paramref name="buffer"/> shaped rows×cols, creating it on first use.</summary>
    public static Matrix<T> Reuse(ref Matrix<T>? buffer, int rows, int cols) =>
        buffer is null ? buffer = new Matrix<T>(rows, cols) : buffer.Reshape(rows, cols);

    public Matrix<T> Clone() => new(Rows, Cols, Span.ToArray());

    public void Clear() => Span.Clear();

    public void CopyTo(Matrix<T> destination) => Span.CopyTo(destination.Reshape(Rows, Cols).Span);

    public static Matrix<T> FromRows(double[][] rows)
    {
        int cols = rows.Length == 0 ? 0 : rows[0].Length;
        var m = new Matrix<T>(rows.Length, cols);
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i].Length != cols) throw new BackpropException($"row {i + 1} has {rows[i].Length} values, expected {cols}");
            for (int j = 0; j < cols; j++) m[i, j] = T.CreateChecked(rows[i][j]);
        }
        return m;
    }

    public double[][] ToRows()
    {
        var rows = new double[Rows][];
        for (int i = 0; i < Rows; i++)
        {
            rows[i] = new double[Cols];
            for (int j = 0; j < Cols; j++) rows[i][j] = double.CreateChecked(this[i, j]);
        }
        return rows;
    }

    /// <summary>A copy in another precision (float ↔ double).</summary>
    public Matrix<TOther> Convert<TOther>() where TOther : unmanaged, IFloatingPointIeee754<TOther>
    {
        var m = new Matrix<TOther>(Rows, Cols);
        var src = Span;
        var dst = m.Span;
        for (int i = 0; i < src.Length; i++) dst[i] = TOther.CreateTruncating(src[i]);
        return m;
    }

    /// <summary>rows·cols, refused (as the user's problem: it comes from layer sizes and batch sizes) when no array can hold it.</summary>
    private static int CheckedLength(int rows, int cols)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"shape {rows}×{cols}");
        long length = (long)rows * cols;
        return length <= Array.MaxLength
            ? (int)length
            : throw new BackpropException($"a {rows}×{cols} matrix has {length:N0} values, more than one array can hold ({Array.MaxLength:N0})");
    }

    /// <summary>Every matrix buffer is born here: the one place to change how (and to count how much) memory is taken.</summary>
    private static unsafe T[] Allocate(int length)
    {
        AllocationLedger.Record((long)length * sizeof(T));
        return new T[length];
    }

    public override string ToString() => $"Matrix<{typeof(T).Name}> {Shape}";
}
