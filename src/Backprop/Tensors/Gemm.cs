using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Tensors;

/// <summary>
/// The three matrix products backpropagation needs, without materializing a transpose:
/// <list type="bullet">
/// <item>forward  Z  = X·W       (<see cref="Multiply"/>)</item>
/// <item>backward dW = Xᵀ·Δ      (<see cref="MultiplyTransposeA"/>)</item>
/// <item>backward dX = Δ·Wᵀ      (<see cref="MultiplyTransposeB"/>)</item>
/// </list>
/// This is the one seam through which all matrix products go, so the kernel behind it can be made fast
/// without touching the layers. Each method shapes <c>c</c> itself and overwrites it.
/// </summary>
public static class Gemm
{
    /// <summary>How many threads a product may use (the CLI's --threads).</summary>
    public static int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>C = A·B, with A m×k and B k×n.</summary>
    public static void Multiply<T>(Matrix<T> a, Matrix<T> b, Matrix<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Cols != b.Rows) throw new ArgumentException($"cannot multiply {a.Shape} by {b.Shape}");
        c.Reshape(a.Rows, b.Cols);
        for (int i = 0; i < a.Rows; i++)
        {
            var cRow = c.Row(i);
            cRow.Clear();
            var aRow = a.Row(i);
            for (int p = 0; p < a.Cols; p++)
                TensorPrimitives.MultiplyAdd(b.Row(p), aRow[p], cRow, cRow);
        }
    }

    /// <summary>C = Aᵀ·B, with A k×m and B k×n.</summary>
    public static void MultiplyTransposeA<T>(Matrix<T> a, Matrix<T> b, Matrix<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Rows != b.Rows) throw new ArgumentException($"cannot multiply ({a.Shape})ᵀ by {b.Shape}");
        c.Reshape(a.Cols, b.Cols);
        c.Clear();
        for (int p = 0; p < a.Rows; p++)
        {
            var aRow = a.Row(p);
            var bRow = b.Row(p);
            for (int i = 0; i < a.Cols; i++)
            {
                var cRow = c.Row(i);
                TensorPrimitives.MultiplyAdd(bRow, aRow[i], cRow, cRow);
            }
        }
    }

    /// <summary>C = A·Bᵀ, with A m×k and B n×k.</summary>
    public static void MultiplyTransposeB<T>(Matrix<T> a, Matrix<T> b, Matrix<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Cols != b.Cols) throw new ArgumentException($"cannot multiply {a.Shape} by ({b.Shape})ᵀ");
        c.Reshape(a.Rows, b.Rows);
        for (int i = 0; i < a.Rows; i++)
        {
            var aRow = a.Row(i);
            var cRow = c.Row(i);
            for (int j = 0; j < b.Rows; j++) cRow[j] = TensorPrimitives.Dot<T>(aRow, b.Row(j));
        }
    }
}
