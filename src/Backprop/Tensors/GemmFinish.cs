using System.Numerics;

namespace Backprop.Tensors;

/// <summary>
/// The finish of a product that a dense layer needs, done on each tile while it is still in registers: a row added
/// to every row of C (the bias) and, optionally, max(·, 0) (ReLU), into C or into H beside the unclamped C (see
/// <see cref="GemmProblem{T}.Row"/>). A separate pass over C, even one that finds each block in cache, cost more
/// than all of this. Each element gets the same operations as C + b then <c>T.Max</c>(·, 0), so the numbers are those
/// of the product followed by TensorPrimitives.Add and TensorPrimitives.Max.
/// </summary>
internal readonly unsafe struct GemmFinish<T>(T* row, T* h, bool clamp) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The row's values for this tile's columns; null: no finish (a plain store).</summary>
    public readonly T* Row = row;

    /// <summary>Where this tile's H starts (laid out as C), or null: the finished values go to C.</summary>
    public readonly T* H = h;

    /// <summary>Whether to clamp at zero.</summary>
    public readonly bool Clamp = clamp;

    /// <summary>The finish of one tile of <paramref name="p"/> at row <paramref name="i"/>, column <paramref name="j"/>; none when p has no row.</summary>
    public static GemmFinish<T> Tile(in GemmProblem<T> p, int i, int j) =>
        p.Row == null ? default : new(p.Row + j, p.H == null ? null : p.H + i * p.Ldc + j, p.Clamp);

    /// <summary>The same finish on rows [i0, i0+rows) and columns [j0, j0+cols) of C once they hold the product (edge tiles, small products).</summary>
    public static void Block(in GemmProblem<T> p, int i0, int rows, int j0, int cols)
    {
        if (p.Row == null) return;
        int w = Vector<T>.Count;
        for (int i = i0; i < i0 + rows; i++)
        {
            T* c = p.C + i * p.Ldc + j0, r = p.Row + j0;
            T* h = p.H == null ? c : p.H + i * p.Ldc + j0;
            int j = 0;
            for (; Vector.IsHardwareAccelerated && j + w <= cols; j += w)
            {
                var v = Vector.Load(c + j) + Vector.Load(r + j);
                if (h != c) v.Store(c + j);
                if (p.Clamp) v = Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<T>.Zero) | ~Vector.Equals(v, v), v, Vector<T>.Zero);
                v.Store(h + j);
            }
            for (; j < cols; j++)
            {
                T v = c[j] + r[j];
                c[j] = v;
                h[j] = p.Clamp ? T.Max(v, T.Zero) : v;
            }
        }
    }
}
