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

    /// <summary>At most this many slices in a split product: the last block sums them, one slice after another.</summary>
    public const int MaxSplits = 32;
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
        int splits = Math.Min(Math.Min(steps, MaxSplits), (targetBlocks + tiles - 1) / tiles);
        int chunk = (steps + splits - 1) / splits * Depth;
        return ((k + chunk - 1) / chunk, chunk);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Product<T>(GemmArgs<T> g, int block, ArrayView<T> sa, ArrayView<T> sb, ArrayView<int> last)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Only products that gather X or update weights need the step; the others skip its load (a round trip).
        if (g.DeviceStep != 0 && (g.Gather != 0 || g.Mode == GemmArgs<T>.WeightUpdate)) g = AtDeviceStep(g);
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

        // The elements of the A and B tiles this thread loads, (i, k) and (k, j) for q = 0..3: a base from t
        // and a step per q, so that neighbouring threads read neighbouring addresses whichever operand is transposed.
        bool ta = g.TransposeA != 0, tb = g.TransposeB != 0;
        int aI = ta ? t % Tile : t / Depth, aK = ta ? t / Tile : t % Depth, aDI = ta ? 0 : Side, aDK = ta ? Per : 0;
        int bJ = tb ? t / Depth : t % Tile, bK = tb ? t % Depth : t / Tile, bDJ = tb ? Side : 0, bDK = tb ? 0 : Per;
        // Row offsets of X in the data set (gathered through Order) do not change along the depth: look them up once.
        long x0 = RowStart(g, row0 + aI), x1 = RowStart(g, row0 + aI + aDI), x2 = RowStart(g, row0 + aI + 2 * aDI), x3 = RowStart(g, row0 + aI + 3 * aDI);

        // This block's slice of the depth: all of it, or one of Splits slices of Chunk (a multiple of Depth).
        // The next depth step's values are fetched into registers while the current one is multiplied.
        int kBegin = split * g.Chunk, kEnd = Math.Min(g.K, kBegin + g.Chunk);
        // The forward epilogue's bias, fetched now so that its load overlaps the product instead of following it.
        int q = col0 + tx;
        bool forward = g.Mode == GemmArgs<T>.Forward;
        T e0 = forward && q < g.N ? g.Bias[q] : T.Zero, e1 = forward && q + Side < g.N ? g.Bias[q + Side] : T.Zero;
        T e2 = forward && q + 2 * Side < g.N ? g.Bias[q + 2 * Side] : T.Zero, e3 = forward && q + 3 * Side < g.N ? g.Bias[q + 3 * Side] : T.Zero;
        T pa0 = LoadA(g, x0, row0 + aI, kBegin + aK), pa1 = LoadA(g, x1, row0 + aI + aDI, kBegin + aK + aDK);
        T pa2 = LoadA(g, x2, row0 + aI + 2 * aDI, kBegin + aK + 2 * aDK), pa3 = LoadA(g, x3, row0 + aI + 3 * aDI, kBegin + aK + 3 * aDK);
        T pb0 = LoadB(g, col0 + bJ, kBegin + bK), pb1 = LoadB(g, col0 + bJ + bDJ, kBegin + bK + bDK);
        T pb2 = LoadB(g, col0 + bJ + 2 * bDJ, kBegin + bK + 2 * bDK), pb3 = LoadB(g, col0 + bJ + 3 * bDJ, kBegin + bK + 3 * bDK);
        for (int k0 = kBegin; k0 < kEnd; k0 += Depth)
        {
            sa[aK * Stride + aI] = pa0;
            sa[(aK + aDK) * Stride + aI + aDI] = pa1;
            sa[(aK + 2 * aDK) * Stride + aI + 2 * aDI] = pa2;
            sa[(aK + 3 * aDK) * Stride + aI + 3 * aDI] = pa3;
            sb[bK * Stride + bJ] = pb0;
            sb[(bK + bDK) * Stride + bJ + bDJ] = pb1;
            sb[(bK + 2 * bDK) * Stride + bJ + 2 * bDJ] = pb2;
            sb[(bK + 3 * bDK) * Stride + bJ + 3 * bDJ] = pb3;
            Group.Barrier();
            int next = k0 + Depth;
            if (next < kEnd)
            {
                pa0 = LoadA(g, x0, row0 + aI, next + aK);
                pa1 = LoadA(g, x1, row0 + aI + aDI, next + aK + aDK);
                pa2 = LoadA(g, x2, row0 + aI + 2 * aDI, next + aK + 2 * aDK);
                pa3 = LoadA(g, x3, row0 + aI + 3 * aDI, next + aK + 3 * aDK);
                pb0 = LoadB(g, col0 + bJ, next + bK);
                pb1 = LoadB(g, col0 + bJ + bDJ, next + bK + bDK);
                pb2 = LoadB(g, col0 + bJ + 2 * bDJ, next + bK + 2 * bDK);
                pb3 = LoadB(g, col0 + bJ + 3 * bDJ, next + bK + 3 * bDK);
            }
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
            // slice order (the same sums on every run, no floating-point atomics), then apply the epilogue.
            // Rows past M are neither parked nor read back (at batch 1, 63 of a tile's 64 rows).
            bool rows0 = r0 < g.M, rows1 = r0 + Side < g.M, rows2 = r0 + 2 * Side < g.M, rows3 = r0 + 3 * Side < g.M;
            const long Slice = Tile * Tile, RowGroup = Side * Tile;
            long mine = ((long)tile * g.Splits + split) * Slice + (long)ty * Tile + tx;
            if (rows0) { g.Partial[mine] = c00; g.Partial[mine + Side] = c01; g.Partial[mine + 2 * Side] = c02; g.Partial[mine + 3 * Side] = c03; }
            long at = mine + RowGroup;
            if (rows1) { g.Partial[at] = c10; g.Partial[at + Side] = c11; g.Partial[at + 2 * Side] = c12; g.Partial[at + 3 * Side] = c13; }
            at += RowGroup;
            if (rows2) { g.Partial[at] = c20; g.Partial[at + Side] = c21; g.Partial[at + 2 * Side] = c22; g.Partial[at + 3 * Side] = c23; }
            at += RowGroup;
            if (rows3) { g.Partial[at] = c30; g.Partial[at + Side] = c31; g.Partial[at + 2 * Side] = c32; g.Partial[at + 3 * Side] = c33; }
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
            if (t == 0) g.Arrivals[tile] = 0; // ready for the next launch

            // Slice after slice in slice order (the same sums every run), four slices of all sixteen elements
            // loaded before they are added: sixty-four loads in flight, not one slice's sixteen.
            long first = (long)tile * g.Splits * Slice + (long)ty * Tile + tx;
            Quad<T> q0s = default, q1s = default, q2s = default, q3s = default;
            int sl = 0;
            for (; sl + 4 <= g.Splits; sl += 4)
            {
                long e = first + sl * Slice;
                var a0 = Quad<T>.Load(g.Partial, e, rows0);
                var a1 = Quad<T>.Load(g.Partial, e + RowGroup, rows1);
                var a2 = Quad<T>.Load(g.Partial, e + 2 * RowGroup, rows2);
                var a3 = Quad<T>.Load(g.Partial, e + 3 * RowGroup, rows3);
                e += Slice;
                var b0 = Quad<T>.Load(g.Partial, e, rows0);
                var b1 = Quad<T>.Load(g.Partial, e + RowGroup, rows1);
                var b2 = Quad<T>.Load(g.Partial, e + 2 * RowGroup, rows2);
                var b3 = Quad<T>.Load(g.Partial, e + 3 * RowGroup, rows3);
                e += Slice;
                var d0 = Quad<T>.Load(g.Partial, e, rows0);
                var d1 = Quad<T>.Load(g.Partial, e + RowGroup, rows1);
                var d2 = Quad<T>.Load(g.Partial, e + 2 * RowGroup, rows2);
                var d3 = Quad<T>.Load(g.Partial, e + 3 * RowGroup, rows3);
                e += Slice;
                var f0 = Quad<T>.Load(g.Partial, e, rows0);
                var f1 = Quad<T>.Load(g.Partial, e + RowGroup, rows1);
                var f2 = Quad<T>.Load(g.Partial, e + 2 * RowGroup, rows2);
                var f3 = Quad<T>.Load(g.Partial, e + 3 * RowGroup, rows3);
                q0s = q0s.Plus(a0).Plus(b0).Plus(d0).Plus(f0);
                q1s = q1s.Plus(a1).Plus(b1).Plus(d1).Plus(f1);
                q2s = q2s.Plus(a2).Plus(b2).Plus(d2).Plus(f2);
                q3s = q3s.Plus(a3).Plus(b3).Plus(d3).Plus(f3);
            }
            for (; sl < g.Splits; sl++)
            {
                long e = first + sl * Slice;
                q0s = q0s.Plus(Quad<T>.Load(g.Partial, e, rows0));
                q1s = q1s.Plus(Quad<T>.Load(g.Partial, e + RowGroup, rows1));
                q2s = q2s.Plus(Quad<T>.Load(g.Partial, e + 2 * RowGroup, rows2));
                q3s = q3s.Plus(Quad<T>.Load(g.Partial, e + 3 * RowGroup, rows3));
            }
            (c00, c01, c02, c03) = (q0s.X, q0s.Y, q0s.Z, q0s.W);
            (c10, c11, c12, c13) = (q1s.X, q1s.Y, q1s.Z, q1s.W);
            (c20, c21, c22, c23) = (q2s.X, q2s.Y, q2s.Z, q2s.W);
            (c30, c31, c32, c33) = (q3s.X, q3s.Y, q3s.Z, q3s.W);
            if (sumColumns)
            {
                // The bias's column sums, likewise four slices at a time (columns past N are read, not used:
                // the workspace has a tile's width to spare).
                Quad<T> sums = default;
                int sc = 0;
                for (; sc + 4 <= g.Splits; sc += 4)
                {
                    long e = (long)sc * g.N + q0;
                    var u0 = Quad<T>.Load(g.PartialBias, e, true);
                    var u1 = Quad<T>.Load(g.PartialBias, e + g.N, true);
                    var u2 = Quad<T>.Load(g.PartialBias, e + 2L * g.N, true);
                    var u3 = Quad<T>.Load(g.PartialBias, e + 3L * g.N, true);
                    sums = sums.Plus(u0).Plus(u1).Plus(u2).Plus(u3);
                }
                for (; sc < g.Splits; sc++) sums = sums.Plus(Quad<T>.Load(g.PartialBias, (long)sc * g.N + q0, true));
                (s0, s1, s2, s3) = (sums.X, sums.Y, sums.Z, sums.W);
            }
        }
        Finish(g, r0, q0, c00, e0); Finish(g, r0, q0 + Side, c01, e1); Finish(g, r0, q0 + 2 * Side, c02, e2); Finish(g, r0, q0 + 3 * Side, c03, e3);
        r0 += Side;
        Finish(g, r0, q0, c10, e0); Finish(g, r0, q0 + Side, c11, e1); Finish(g, r0, q0 + 2 * Side, c12, e2); Finish(g, r0, q0 + 3 * Side, c13, e3);
        r0 += Side;
        Finish(g, r0, q0, c20, e0); Finish(g, r0, q0 + Side, c21, e1); Finish(g, r0, q0 + 2 * Side, c22, e2); Finish(g, r0, q0 + 3 * Side, c23, e3);
        r0 += Side;
        Finish(g, r0, q0, c30, e0); Finish(g, r0, q0 + Side, c31, e1); Finish(g, r0, q0 + 2 * Side, c32, e2); Finish(g, r0, q0 + 3 * Side, c33, e3);
        if (sumColumns)
        {
            UpdateBias(g, q0, s0); UpdateBias(g, q0 + Side, s1); UpdateBias(g, q0 + 2 * Side, s2); UpdateBias(g, q0 + 3 * Side, s3);
        }
    }

    /// <summary>A step recorded in a CUDA graph: its batch offset and optimizer scalars, from the device's step count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static GemmArgs<T> AtDeviceStep<T>(GemmArgs<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int step = g.StepBase[0] + g.StepInGraph;
        g.Offset = step * g.BatchSize;
        if (g.Mode == GemmArgs<T>.WeightUpdate)
        {
            long at = 4L * step;
            g.Rule.FirstStep = g.Rules[at] != T.Zero ? 1 : 0;
            g.Rule.LearningRate = g.Rules[at + 1];
            g.Rule.StepSize = g.Rules[at + 2];
            g.Rule.Correction2 = g.Rules[at + 3];
        }
        return g;
    }

    /// <summary>Where row <paramref name="r"/> of a row-major A starts (through Order when A is the data set), or −1 past M.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long RowStart<T>(GemmArgs<T> g, int r) where T : unmanaged, IFloatingPointIeee754<T> =>
        g.TransposeA != 0 || r >= g.M ? -1 : (long)(g.Gather != 0 ? g.Order[g.Offset + r] : r) * g.K;

    /// <summary>A(r, k), or 0 outside the product; <paramref name="rowStart"/> is <see cref="RowStart"/>'s for row-major A.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T LoadA<T>(GemmArgs<T> g, long rowStart, int r, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (k >= g.K) return T.Zero;
        if (g.TransposeA == 0) return rowStart < 0 ? T.Zero : g.A[rowStart + k];
        if (r >= g.M) return T.Zero;
        return g.A[(long)(g.Gather != 0 ? g.Order[g.Offset + k] : k) * g.M + r]; // A stored K×M (Xᵀ: row k of the batch)
    }

    /// <summary>B(k, c), or 0 outside the product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T LoadB<T>(GemmArgs<T> g, int c, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (c >= g.N || k >= g.K) return T.Zero;
        return g.TransposeB != 0 ? g.B[(long)c * g.K + k] : g.B[(long)k * g.N + c];
    }

    /// <summary>The epilogue for element (r, c) of C = <paramref name="v"/>; <paramref name="bias"/> is b[c] in a forward product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<T>(GemmArgs<T> g, int r, int c, T v, T bias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (r >= g.M || c >= g.N) return;
        long at = (long)r * g.N + c;
        if (g.Mode == GemmArgs<T>.Forward)
        {
            T z = v + bias;                                                             // Z = X·W + b
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
