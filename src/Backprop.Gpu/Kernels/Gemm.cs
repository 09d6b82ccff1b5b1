using System.Numerics;
using System.Runtime.CompilerServices;
using ILGPU;

namespace Backprop.Gpu.Kernels;

/// <summary>
/// A shared-memory tiled product: each group of 16×16 threads computes a 64×64 block of C, each thread a
/// 4×4 sub-block (rows ty + 16i, columns tx + 16j) held in sixteen named registers, stepping through the
/// depth 16 at a time. Tiles are loaded so that neighbouring threads read neighbouring addresses whichever
/// operand is transposed. (Named scalars, not a local array: ILGPU does not unroll the loops, and an array
/// would live in local memory, one load and store per multiply-add.)
/// </summary>
internal static class Gemm
{
    public const int Tile = 64, Depth = 16, Side = 16, Per = Tile / Side;
    private const int Stride = Tile + 1; // padding against shared-memory bank conflicts

    /// <summary>
    /// Computes the blocks of up to two independent products in one launch (1-D grid: the first product's
    /// <paramref name="firstBlocks"/> blocks, then the second's), so that a layer's weight update shares a launch
    /// with the input gradient of the layer below.
    /// </summary>
    public static void Kernel<T>(GemmArgs<T> first, GemmArgs<T> second, int firstBlocks) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sa = SharedMemory.Allocate<T>(Depth * Stride); // sa[k·Stride + i] = A(row0 + i, k0 + k)
        var sb = SharedMemory.Allocate<T>(Depth * Stride); // sb[k·Stride + j] = B(k0 + k, col0 + j)
        var last = SharedMemory.Allocate<int>(1);
        int block = Grid.IdxX;
        if (block < firstBlocks) Product(first, block, sa, sb, last);
        else Product(second, block - firstBlocks, sa, sb, last);
    }

    /// <summary>Tiles of C in row-major order of tiles: how many a product needs.</summary>
    public static int Tiles(int m, int n) => ((m + Tile - 1) / Tile) * ((n + Tile - 1) / Tile);

    /// <summary>
    /// How many slices of the depth a product is split into (split-K) so that its launch has about
    /// <paramref name="targetBlocks"/> blocks, and how deep each slice is (a multiple of <see cref="Depth"/>).
    /// A product with few tiles and a long depth (X·W¹ at a small batch, Xᵀ·Δ at a large one) would otherwise
    /// run on a handful of multiprocessors, one depth step after another.
    /// </summary>
    public static (int Splits, int Chunk) Split(int m, int n, int k, int targetBlocks)
    {
        int tiles = Tiles(m, n), steps = (k + Depth - 1) / Depth;
        if (targetBlocks <= tiles || steps < 2) return (1, steps * Depth);
        int splits = Math.Min(steps, (targetBlocks + tiles - 1) / tiles);
        int chunk = (steps + splits - 1) / splits * Depth;
        return ((k + chunk - 1) / chunk, chunk);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Product<T>(GemmArgs<T> g, int block, ArrayView<T> sa, ArrayView<T> sb, ArrayView<int> last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int tile = block / g.Splits, split = block - tile * g.Splits;
        int tilesAcross = (g.N + Tile - 1) / Tile;
        int by = tile / tilesAcross, bx = tile - by * tilesAcross;
        int tx = Group.IdxX, ty = Group.IdxY, t = ty * Side + tx;
        int row0 = by * Tile, col0 = bx * Tile;
        bool sumColumns = g.Mode == GemmArgs<T>.WeightUpdate && by == 0 && ty == 0;
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero;
        T c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero;
        T c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
        T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero; // colsum Δ, for the bias gradient

        // This block's slice of the depth: all of it, or one of Splits slices of Chunk (a multiple of Depth).
        int kBegin = split * g.Chunk, kEnd = Math.Min(g.K, kBegin + g.Chunk);
        for (int k0 = kBegin; k0 < kEnd; k0 += Depth)
        {
            for (int q = 0; q < Per; q++)
            {
                int e = t + q * Side * Side;
                int i, k;
                if (g.TransposeA != 0) { k = e / Tile; i = e - k * Tile; }
                else { i = e / Depth; k = e - i * Depth; }
                int r = row0 + i, kk = k0 + k;
                T a = T.Zero;
                if (r < g.M && kk < g.K)
                {
                    if (g.TransposeA != 0) a = g.A[(long)(g.Gather != 0 ? g.Order[g.Offset + kk] : kk) * g.M + r];
                    else a = g.A[(long)(g.Gather != 0 ? g.Order[g.Offset + r] : r) * g.K + kk];
                }
                sa[k * Stride + i] = a;

                int j;
                if (g.TransposeB != 0) { j = e / Depth; k = e - j * Depth; }
                else { k = e / Tile; j = e - k * Tile; }
                int c = col0 + j;
                kk = k0 + k;
                T b = T.Zero;
                if (c < g.N && kk < g.K) b = g.TransposeB != 0 ? g.B[(long)c * g.K + kk] : g.B[(long)kk * g.N + c];
                sb[k * Stride + j] = b;
            }
            Group.Barrier();
            for (int k = 0; k < Depth; k++)
            {
                int ka = k * Stride + ty, kb = k * Stride + tx;
                T a0 = sa[ka], a1 = sa[ka + Side], a2 = sa[ka + 2 * Side], a3 = sa[ka + 3 * Side];
                T b0 = sb[kb], b1 = sb[kb + Side], b2 = sb[kb + 2 * Side], b3 = sb[kb + 3 * Side];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
                if (sumColumns)
                {
                    s0 += b0; s1 += b1; s2 += b2; s3 += b3;
                }
            }
            Group.Barrier();
        }

        int r0 = row0 + ty, q0 = col0 + tx;
        if (g.Splits > 1)
        {
            // Split-K: park this slice's partial tile, and let the block that arrives last sum the slices in
            // slice order (the same sums on every run, no floating-point atomics) and apply the epilogue.
            long at = ((long)tile * g.Splits + split) * Tile * Tile + (long)ty * Tile + tx;
            g.Partial[at] = c00; g.Partial[at + Side] = c01; g.Partial[at + 2 * Side] = c02; g.Partial[at + 3 * Side] = c03;
            at += Side * Tile;
            g.Partial[at] = c10; g.Partial[at + Side] = c11; g.Partial[at + 2 * Side] = c12; g.Partial[at + 3 * Side] = c13;
            at += Side * Tile;
            g.Partial[at] = c20; g.Partial[at + Side] = c21; g.Partial[at + 2 * Side] = c22; g.Partial[at + 3 * Side] = c23;
            at += Side * Tile;
            g.Partial[at] = c30; g.Partial[at + Side] = c31; g.Partial[at + 2 * Side] = c32; g.Partial[at + 3 * Side] = c33;
            if (sumColumns)
            {
                long bias = (long)split * g.N;
                if (q0 < g.N) g.PartialBias[bias + q0] = s0;
                if (q0 + Side < g.N) g.PartialBias[bias + q0 + Side] = s1;
                if (q0 + 2 * Side < g.N) g.PartialBias[bias + q0 + 2 * Side] = s2;
                if (q0 + 3 * Side < g.N) g.PartialBias[bias + q0 + 3 * Side] = s3;
            }
            MemoryFence.DeviceLevel(); // the partials are visible to every block before this one is counted
            Group.Barrier();
            if (t == 0) last[0] = Atomic.Add(ref g.Arrivals[tile], 1) == g.Splits - 1 ? 1 : 0;
            Group.Barrier();
            if (last[0] == 0) return;
            MemoryFence.DeviceLevel();
            long first = (long)tile * g.Splits * Tile * Tile + (long)ty * Tile + tx;
            for (int a = 0; a < Per; a++)
            {
                for (int b = 0; b < Per; b++)
                {
                    int r = r0 + a * Side, c = q0 + b * Side;
                    if (r >= g.M || c >= g.N) continue;
                    T sum = T.Zero;
                    long e = first + (long)a * Side * Tile + b * Side;
                    for (int s = 0; s < g.Splits; s++) sum += g.Partial[e + (long)s * Tile * Tile];
                    Finish(g, r, c, sum);
                }
            }
            if (sumColumns)
            {
                for (int b = 0; b < Per; b++)
                {
                    int c = q0 + b * Side;
                    if (c >= g.N) continue;
                    T sum = T.Zero;
                    for (int s = 0; s < g.Splits; s++) sum += g.PartialBias[(long)s * g.N + c];
                    UpdateBias(g, c, sum);
                }
            }
            if (t == 0) g.Arrivals[tile] = 0; // ready for the next launch
            return;
        }
        Finish(g, r0, q0, c00); Finish(g, r0, q0 + Side, c01); Finish(g, r0, q0 + 2 * Side, c02); Finish(g, r0, q0 + 3 * Side, c03);
        r0 += Side;
        Finish(g, r0, q0, c10); Finish(g, r0, q0 + Side, c11); Finish(g, r0, q0 + 2 * Side, c12); Finish(g, r0, q0 + 3 * Side, c13);
        r0 += Side;
        Finish(g, r0, q0, c20); Finish(g, r0, q0 + Side, c21); Finish(g, r0, q0 + 2 * Side, c22); Finish(g, r0, q0 + 3 * Side, c23);
        r0 += Side;
        Finish(g, r0, q0, c30); Finish(g, r0, q0 + Side, c31); Finish(g, r0, q0 + 2 * Side, c32); Finish(g, r0, q0 + 3 * Side, c33);
        if (sumColumns)
        {
            UpdateBias(g, q0, s0); UpdateBias(g, q0 + Side, s1); UpdateBias(g, q0 + 2 * Side, s2); UpdateBias(g, q0 + 3 * Side, s3);
        }
    }

    /// <summary>The epilogue for element (r, c) of C = <paramref name="v"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<T>(GemmArgs<T> g, int r, int c, T v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (r >= g.M || c >= g.N) return;
        long at = (long)r * g.N + c;
        if (g.Mode == GemmArgs<T>.Forward)
        {
            T z = v + g.Bias[c];                                                        // Z = X·W + b
            g.Z[at] = z;
            if (g.Activation != DeviceActivation.None) g.H[at] = DeviceActivation.Apply(g.Activation, z, g.Slope); // H = σ(Z)
        }
        else if (g.Mode == GemmArgs<T>.InputGradient)
        {
            T d = g.Activation == DeviceActivation.None ? T.One : DeviceActivation.Derivative(g.Activation, g.PrevZ[at], g.PrevH[at], g.Slope);
            g.Out[at] = v * d;                                                          // Δ₋₁ = (Δ·Wᵀ) ∘ σ'(Z₋₁)
        }
        else g.W[at] = Step(g.Rule, g.W, g.W1, g.W2, at, v);                           // W ← step(W, Xᵀ·Δ)
    }

    /// <summary>b ← step(b, colsum Δ) for column c (weight-update products, first row of tiles only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateBias<T>(GemmArgs<T> g, int c, T sum) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (c < g.N) g.Bias[c] = Step(g.Rule, g.Bias, g.Bias1, g.Bias2, c, sum);
    }

    /// <summary>The optimizer step for element <paramref name="at"/>, reading and writing only the state the rule has.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Step<T>(UpdateRule<T> rule, ArrayView<T> w, ArrayView<T> state1, ArrayView<T> state2, long at, T gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s1 = T.Zero, s2 = T.Zero;
        if (rule.Kind != UpdateRule<T>.Sgd) s1 = state1[at];
        if (rule.Kind == UpdateRule<T>.Adam) s2 = state2[at];
        T updated = rule.Apply(w[at], gradient, ref s1, ref s2);
        if (rule.Kind != UpdateRule<T>.Sgd) state1[at] = s1;
        if (rule.Kind == UpdateRule<T>.Adam) state2[at] = s2;
        return updated;
    }
}
