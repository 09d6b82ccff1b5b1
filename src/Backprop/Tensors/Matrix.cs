using System.Numerics;

namespace Backprop.Tensors;

/// <summary>
/// A dense row-major matrix of float or double: element (i, j) is <c>Span[i * Cols + j]</c>.
/// </summary>
/// <remarks>
/// The storage may be longer than <see cref="Rows"/>·<see cref="Cols"/> (buffers grow but never shrink, so a
/// training loop that alternates batch sizes allocates nothing new), which is why it is not public:
/// <see cref="Span"/>, <see cref="Row"/> and <see cref="ToArray"/> cover exactly the matrix's elements.
/// A matrix is not thread-safe; reading it from many threads while nobody writes it is safe.
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Matrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a rows×cols matrix of zeros.</summary>
    /// <param name="rows">The number of rows (for a batch: examples).</param>
    /// <param name="cols">The number of columns.</param>
    public Matrix(int rows, int cols)
    {
        Data = Allocate(CheckedLength(rows, cols));
        Rows = rows;
        Cols = cols;
    }

    /// <summary>Wraps <paramref name="data"/> (row-major, exactly rows·cols values) without copying it.</summary>
    /// <param name="rows">The number of rows.</param>
    /// <param name="cols">The number of columns.</param>
    /// <param name="data">The elements, row after row; the matrix uses this array as its storage.</param>
    /// <exception cref="ArgumentException"><paramref name="data"/> does not hold exactly rows·cols values.</exception>
    public Matrix(int rows, int cols, T[] data)
    {
        if (data.Length != CheckedLength(rows, cols)) throw new ArgumentException($"{data.Length} values cannot make a {rows}×{cols} matrix", nameof(data));
        Rows = rows;
        Cols = cols;
        Data = data;
    }

    /// <summary>The number of rows (for a batch: one example per row).</summary>
    public int Rows { get; private set; }

    /// <summary>The number of columns.</summary>
    public int Cols { get; private set; }

    /// <summary>The storage; it may be longer than <see cref="Length"/> (see the remarks on the type).</summary>
    internal T[] Data { get; private set; }

    /// <summary>The number of elements, <see cref="Rows"/>·<see cref="Cols"/>.</summary>
    public int Length => Rows * Cols;

    /// <summary>The shape as text, such as <c>2×3</c>.</summary>
    public string Shape => $"{Rows}×{Cols}";

    /// <summary>The elements, row after row: exactly <see cref="Length"/> of them.</summary>
    public Span<T> Span => Data.AsSpan(0, Rows * Cols);

    /// <summary>Row <paramref name="i"/>: exactly <see cref="Cols"/> elements.</summary>
    /// <param name="i">The row, from 0.</param>
    public Span<T> Row(int i) => Data.AsSpan(i * Cols, Cols);

    /// <summary>A copy of the elements, row after row: an array of exactly <see cref="Length"/> values.</summary>
    public T[] ToArray() => Span.ToArray();

    /// <summary>A copy of the elements as a rows×cols array.</summary>
    public T[,] ToArray2D()
    {
        var a = new T[Rows, Cols];
        Span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref a[0, 0], a.Length));
        return a;
    }

    /// <summary>A new matrix holding a copy of <paramref name="values"/>.</summary>
    /// <param name="values">The elements; element [i, j] becomes (i, j).</param>
    public static Matrix<T> From(T[,] values)
    {
        var m = new Matrix<T>(values.GetLength(0), values.GetLength(1));
        if (m.Length > 0) System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref values[0, 0], values.Length).CopyTo(m.Span);
        return m;
    }

    /// <summary>Element (i, j).</summary>
    /// <param name="i">The row, from 0.</param>
    /// <param name="j">The column, from 0.</param>
    public T this[int i, int j]
    {
        get => Data[i * Cols + j];
        set => Data[i * Cols + j] = value;
    }

    /// <summary>Gives this matrix a new shape, reusing its storage when it is large enough. Contents are unspecified.</summary>
    /// <param name="rows">The new number of rows.</param>
    /// <param name="cols">The new number of columns.</param>
    /// <returns>This matrix.</returns>
    public Matrix<T> Reshape(int rows, int cols)
    {
        int length = CheckedLength(rows, cols);
        if (Data.Length < length) Data = Allocate(length);
        Rows = rows;
        Cols = cols;
        return this;
    }

    /// <summary>Returns <paramref name="buffer"/> shaped rows×cols, creating it on first use.</summary>
    internal static Matrix<T> Reuse(ref Matrix<T>? buffer, int rows, int cols) =>
        buffer is null ? buffer = new Matrix<T>(rows, cols) : buffer.Reshape(rows, cols);

    /// <summary>A copy with storage of its own, exactly <see cref="Length"/> long.</summary>
    public Matrix<T> Clone() => new(Rows, Cols, Span.ToArray());

    /// <summary>Sets every element to zero.</summary>
    public void Clear() => Span.Clear();

    /// <summary>Copies this matrix into <paramref name="destination"/>, which takes its shape.</summary>
    /// <param name="destination">The matrix to overwrite; its storage is reused when large enough.</param>
    public void CopyTo(Matrix<T> destination) => Span.CopyTo(destination.Reshape(Rows, Cols).Span);

    /// <summary>A matrix from rows of doubles, rounded to <typeparamref name="T"/>.</summary>
    /// <param name="rows">The rows; all must have the same length.</param>
    /// <exception cref="BackpropException">The rows have different lengths.</exception>
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

    /// <summary>A copy of the elements as rows of doubles.</summary>
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

    /// <inheritdoc/>
    public override string ToString() => $"Matrix<{typeof(T).Name}> {Shape}";
}
