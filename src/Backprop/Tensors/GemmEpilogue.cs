using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Tensors;

/// <summary>
/// What a product does to each finished piece of a row of C while it is still in cache (the forward pass of
/// a dense layer adds its bias and applies σ there). Tensors declares it and knows nothing of layers; a layer
/// supplies it as a struct, so the JIT compiles the product for that struct and calls it directly.
/// </summary>
internal interface IGemmEpilogue<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Finishes columns [col, col + z.Length) of row <paramref name="row"/> of C; <paramref name="z"/> is that piece of C.</summary>
    void Apply(int row, int col, Span<T> z);
}

/// <summary>No epilogue: C is the product.</summary>
internal readonly struct NoEpilogue<T> : IGemmEpilogue<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Apply(int row, int col, Span<T> z) { }
}

/// <summary>Runs an epilogue over a block of C.</summary>
internal static unsafe class GemmEpilogue
{
    /// <summary>False for <see cref="NoEpilogue{T}"/> (a constant for the JIT): the product then skips the block loop.</summary>
    public static bool IsPresent<T, TEpilogue>() where T : unmanaged, IFloatingPointIeee754<T> where TEpilogue : struct, IGemmEpilogue<T> =>
        typeof(TEpilogue) != typeof(NoEpilogue<T>);

    /// <summary>Applies the epilogue to rows [i0, i0+rows) and columns [j0, j0+cols) of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply<T, TEpilogue>(in TEpilogue epilogue, T* c, nint ldc, int i0, int rows, int j0, int cols)
        where T : unmanaged, IFloatingPointIeee754<T> where TEpilogue : struct, IGemmEpilogue<T>
    {
        if (!IsPresent<T, TEpilogue>()) return;
        for (int i = i0; i < i0 + rows; i++) epilogue.Apply(i, j0, new Span<T>(c + i * ldc + j0, cols));
    }
}
