using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Tensors;

/// <summary>
/// The micro-kernel of <see cref="GemmDriver{T}"/>, one for every vector width: it computes one MR×NR tile
/// of C (MR rows × 2 vectors of columns) from a row panel of A (read in place through its strides, so a
/// transposed A costs nothing) and a packed panel of B (kc rows of NR contiguous values). Each step of k
/// loads two vectors of B, broadcasts MR values of A and does 2·MR fused multiply-adds into MR·2
/// accumulators that stay in registers. <typeparamref name="TVectors"/> is a struct, so the JIT compiles the
/// kernel once per width with every operation inlined and the rows beyond MR removed:
/// AVX-512 8×(2×16 floats), 16 zmm accumulators of 32; AVX2/FMA 6×(2×8 floats), 12 ymm of 16;
/// <see cref="Vector{T}"/> 4×(2 vectors) for everything else (Arm, old x64). <see cref="RunNarrow"/> is the same
/// kernel with one vector of columns, for C with at most one vector's width of columns (a 10-output layer fills a
/// third of a two-vector tile, and the wasted lanes cost as much as the useful ones).
/// </summary>
internal static unsafe class GemmKernel<T, TVector, TVectors>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TVector : struct
    where TVectors : struct, IGemmVectors<T, TVector>
{
    public static int MR => TVectors.Rows;
    public static int NR => 2 * TVectors.Width;

    /// <summary>C[0..MR, 0..NR] (=|+=) Σₚ A[i, p]·B[p, j], with A[i, p] at a[i·rowStride + p·colStride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(int kc, T* a, nint rowStride, nint colStride, T* b, T* c, nint ldc, bool accumulate, in GemmFinish<T> finish = default) =>
        Tile<TwoVectors>(kc, a, rowStride, colStride, b, c, ldc, accumulate, finish);

    /// <summary>As <see cref="Run"/> for a tile of MR × one vector (B packed in panels of <see cref="Width"/> columns).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunNarrow(int kc, T* a, nint rowStride, nint colStride, T* b, T* c, nint ldc, bool accumulate, in GemmFinish<T> finish = default) =>
        Tile<OneVector>(kc, a, rowStride, colStride, b, c, ldc, accumulate, finish);

    /// <summary>Values of T per vector: the columns of a narrow tile.</summary>
    public static int Width => TVectors.Width;

    // Each element of C gets the same fused multiply-adds in the same order in either tile, so the two give identical bits.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TColumns>(int kc, T* a, nint rowStride, nint colStride, T* b, T* c, nint ldc, bool accumulate, in GemmFinish<T> finish)
        where TColumns : struct, IGemmColumns
    {
        int width = TVectors.Width;
        TVector c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        TVector c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        T* a0 = a, a1 = a + rowStride, a2 = a + 2 * rowStride, a3 = a + 3 * rowStride;
        T* a4 = a + 4 * rowStride, a5 = a + 5 * rowStride, a6 = a + 6 * rowStride, a7 = a + 7 * rowStride;
        nint offset = 0;
        int step = TColumns.Two ? 2 * width : width;
        for (int p = 0; p < kc; p++, offset += colStride, b += step)
        {
            var b0 = TVectors.Load(b);
            var b1 = TColumns.Two ? TVectors.Load(b + width) : default; // constants for the JIT: a narrow tile has no second vector
            TVector x;
            x = TVectors.Broadcast(a0[offset]); c00 = TVectors.MultiplyAdd(x, b0, c00); if (TColumns.Two) c01 = TVectors.MultiplyAdd(x, b1, c01);
            x = TVectors.Broadcast(a1[offset]); c10 = TVectors.MultiplyAdd(x, b0, c10); if (TColumns.Two) c11 = TVectors.MultiplyAdd(x, b1, c11);
            x = TVectors.Broadcast(a2[offset]); c20 = TVectors.MultiplyAdd(x, b0, c20); if (TColumns.Two) c21 = TVectors.MultiplyAdd(x, b1, c21);
            x = TVectors.Broadcast(a3[offset]); c30 = TVectors.MultiplyAdd(x, b0, c30); if (TColumns.Two) c31 = TVectors.MultiplyAdd(x, b1, c31);
            if (TVectors.Rows > 4) // constants for the JIT: the rows a width does not use are compiled away
            {
                x = TVectors.Broadcast(a4[offset]); c40 = TVectors.MultiplyAdd(x, b0, c40); if (TColumns.Two) c41 = TVectors.MultiplyAdd(x, b1, c41);
                x = TVectors.Broadcast(a5[offset]); c50 = TVectors.MultiplyAdd(x, b0, c50); if (TColumns.Two) c51 = TVectors.MultiplyAdd(x, b1, c51);
            }
            if (TVectors.Rows > 6)
            {
                x = TVectors.Broadcast(a6[offset]); c60 = TVectors.MultiplyAdd(x, b0, c60); if (TColumns.Two) c61 = TVectors.MultiplyAdd(x, b1, c61);
                x = TVectors.Broadcast(a7[offset]); c70 = TVectors.MultiplyAdd(x, b0, c70); if (TColumns.Two) c71 = TVectors.MultiplyAdd(x, b1, c71);
            }
        }
        if (finish.Row != null)
        {
            // The last block of k with a row to add: finish the tile in registers (see GemmFinish).
            TVector r0 = TVectors.Load(finish.Row), r1 = TColumns.Two ? TVectors.Load(finish.Row + width) : default;
            nint h = finish.H == null ? 0 : (nint)(finish.H - c); // H is laid out as C
            bool clamp = finish.Clamp;
            Finish<TColumns>(c00, c01, c, h, r0, r1, accumulate, clamp);
            Finish<TColumns>(c10, c11, c + ldc, h, r0, r1, accumulate, clamp);
            Finish<TColumns>(c20, c21, c + 2 * ldc, h, r0, r1, accumulate, clamp);
            Finish<TColumns>(c30, c31, c + 3 * ldc, h, r0, r1, accumulate, clamp);
            if (TVectors.Rows > 4)
            {
                Finish<TColumns>(c40, c41, c + 4 * ldc, h, r0, r1, accumulate, clamp);
                Finish<TColumns>(c50, c51, c + 5 * ldc, h, r0, r1, accumulate, clamp);
            }
            if (TVectors.Rows > 6)
            {
                Finish<TColumns>(c60, c61, c + 6 * ldc, h, r0, r1, accumulate, clamp);
                Finish<TColumns>(c70, c71, c + 7 * ldc, h, r0, r1, accumulate, clamp);
            }
            return;
        }
        Store<TColumns>(c00, c01, c, accumulate);
        Store<TColumns>(c10, c11, c + ldc, accumulate);
        Store<TColumns>(c20, c21, c + 2 * ldc, accumulate);
        Store<TColumns>(c30, c31, c + 3 * ldc, accumulate);
        if (TVectors.Rows > 4)
        {
            Store<TColumns>(c40, c41, c + 4 * ldc, accumulate);
            Store<TColumns>(c50, c51, c + 5 * ldc, accumulate);
        }
        if (TVectors.Rows > 6)
        {
            Store<TColumns>(c60, c61, c + 6 * ldc, accumulate);
            Store<TColumns>(c70, c71, c + 7 * ldc, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TColumns>(TVector low, TVector high, T* c, bool accumulate) where TColumns : struct, IGemmColumns
    {
        int width = TVectors.Width;
        if (accumulate)
        {
            low = TVectors.Add(low, TVectors.Load(c));
            if (TColumns.Two) high = TVectors.Add(high, TVectors.Load(c + width));
        }
        TVectors.Store(low, c);
        if (TColumns.Two) TVectors.Store(high, c + width);
    }


    /// <summary>
    /// One row of a finished tile: (+ C's old values) + the row, stored to C, and clamped at zero into C, or into H
    /// (at offset <paramref name="h"/> from C, elements) beside the unclamped sum. The operations and their order
    /// are those of Store, TensorPrimitives.Add and TensorPrimitives.Max on the stored C: identical results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TColumns>(TVector low, TVector high, T* c, nint h, TVector r0, TVector r1, bool accumulate, bool clamp)
        where TColumns : struct, IGemmColumns
    {
        int width = TVectors.Width;
        if (accumulate)
        {
            low = TVectors.Add(low, TVectors.Load(c));
            if (TColumns.Two) high = TVectors.Add(high, TVectors.Load(c + width));
        }
        low = TVectors.Add(low, r0);
        if (TColumns.Two) high = TVectors.Add(high, r1);
        if (h != 0)
        {
            TVectors.Store(low, c);
            if (TColumns.Two) TVectors.Store(high, c + width);
            c += h;
        }
        if (clamp)
        {
            low = TVectors.Clamp(low);
            if (TColumns.Two) high = TVectors.Clamp(high);
        }
        TVectors.Store(low, c);
        if (TColumns.Two) TVectors.Store(high, c + width);
    }
}

/// <summary>How many vectors of columns a tile of <see cref="GemmKernel{T, TVector, TVectors}"/> holds: a constant for the JIT.</summary>
internal interface IGemmColumns
{
    static abstract bool Two { get; }
}

/// <summary>The usual tile: MR rows × two vectors.</summary>
internal readonly struct TwoVectors : IGemmColumns
{
    public static bool Two => true;
}

/// <summary>The narrow tile: MR rows × one vector.</summary>
internal readonly struct OneVector : IGemmColumns
{
    public static bool Two => false;
}
