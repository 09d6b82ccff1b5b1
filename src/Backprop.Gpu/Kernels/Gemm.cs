using System.Numerics;
using System.Runtime.CompilerServices;
using ILGPU;

namespace Backprop.Gpu.Kernels;

/// <summary>
/// A shared-memory tiled product: each group of 16×16 threads computes a 64×64 block of C, each thread a
/// 4×4 sub-block held in registers, stepping through the depth 16 at a time. Tiles are loaded so that
/// neighbouring threads read neighbouring addresses whichever operand is transposed.
/// </summary>
internal static class Gemm
{
    public const int Tile = 64, Depth = 16, Side = 16, Per = Tile / Side;
    private const int Stride = Tile + 1; // padding against shared-memory bank conflicts

    /// <summary>
    /// Computes the tiles of up to two independent products in one launch (1-D grid: the first product's
    /// <paramref name="firstTiles"/> tiles, then the second's), so that a layer's weight update shares a launch
    /// with the input gradient of the layer below.
    /// </summary>
    public static void Kernel<T>(GemmArgs<T> first, GemmArgs<T> second, int firstTiles) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sa = SharedMemory.Allocate<T>(Depth * Stride); // sa[k·Stride + i] = A(row0 + i, k0 + k)
        var sb = SharedMemory.Allocate<T>(Depth * Stride); // sb[k·Stride + j] = B(k0 + k, col0 + j)
        var acc = LocalMemory.Allocate<T>(Per * Per);
        var colSum = LocalMemory.Allocate<T>(Per);
        int block = Grid.IdxX;
        if (block < firstTiles) Product(first, block, sa, sb, acc, colSum);
        else Product(second, block - firstTiles, sa, sb, acc, colSum);
    }

    /// <summary>Tiles of C in row-major order of tiles: how many a product needs.</summary>
    public static int Tiles(int m, int n) => ((m + Tile - 1) / Tile) * ((n + Tile - 1) / Tile);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Product<T>(GemmArgs<T> g, int block, ArrayView<T> sa, ArrayView<T> sb, ArrayView<T> acc, ArrayView<T> colSum)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int tilesAcross = (g.N + Tile - 1) / Tile;
        int by = block / tilesAcross, bx = block - by * tilesAcross;
        int tx = Group.IdxX, ty = Group.IdxY, t = ty * Side + tx;
        int row0 = by * Tile, col0 = bx * Tile;
        bool sumColumns = g.Mode == GemmArgs<T>.WeightUpdate && by == 0 && ty == 0;
        for (int q = 0; q < Per * Per; q++) acc[q] = T.Zero;
        for (int q = 0; q < Per; q++) colSum[q] = T.Zero;

        for (int k0 = 0; k0 < g.K; k0 += Depth)
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
                for (int ii = 0; ii < Per; ii++)
                {
                    T a = sa[k * Stride + ty + ii * Side];
                    for (int jj = 0; jj < Per; jj++) acc[ii * Per + jj] += a * sb[k * Stride + tx + jj * Side];
                }
            }
            if (sumColumns)
            {
                for (int k = 0; k < Depth; k++)
                    for (int jj = 0; jj < Per; jj++) colSum[jj] += sb[k * Stride + tx + jj * Side];
            }
            Group.Barrier();
        }

        for (int ii = 0; ii < Per; ii++)
        {
            int r = row0 + ty + ii * Side;
            if (r >= g.M) continue;
            for (int jj = 0; jj < Per; jj++)
            {
                int c = col0 + tx + jj * Side;
                if (c >= g.N) continue;
                long at = (long)r * g.N + c;
                T v = acc[ii * Per + jj];
                if (g.Mode == GemmArgs<T>.Forward)
                {
                    T z = v + g.Bias[c];                                   // Z = X·W + b
                    g.Z[at] = z;
                    if (g.Activation != DeviceActivation.None) g.H[at] = DeviceActivation.Apply(g.Activation, z, g.Slope); // H = σ(Z)
                }
                else if (g.Mode == GemmArgs<T>.InputGradient)
                {
                    T d = g.Activation == DeviceActivation.None ? T.One : DeviceActivation.Derivative(g.Activation, g.PrevZ[at], g.PrevH[at], g.Slope);
                    g.Out[at] = v * d;                                     // Δ₋₁ = (Δ·Wᵀ) ∘ σ'(Z₋₁)
                }
                else
                {
                    g.W[at] = Step(g.Rule, g.W, g.W1, g.W2, at, v);        // W ← step(W, Xᵀ·Δ)
                }
            }
        }
        if (sumColumns)
        {
            for (int jj = 0; jj < Per; jj++)
            {
                int c = col0 + tx + jj * Side;
                if (c >= g.N) continue;
                g.Bias[c] = Step(g.Rule, g.Bias, g.Bias1, g.Bias2, c, colSum[jj]); // b ← step(b, colsum Δ)
            }
        }
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
