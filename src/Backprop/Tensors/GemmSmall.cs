using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>
/// Products too small or too thin for the blocked driver. Packing B costs as much as the arithmetic
/// when A has one or two rows (a batch of one), and for the articles' tiny networks (2×2 by 2×1) any
/// set-up at all costs more than the few multiply-adds.
/// </summary>
internal static unsafe class GemmSmall<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>At most this many multiply-adds: a plain triple loop.</summary>
    public const long TinyWork = 4096;

    /// <summary>At most this many rows of A: C's rows are computed straight from B, which is read once.</summary>
    public const int FewRows = 2;

    public static bool CanDoFewRows(in GemmProblem<T> p) =>
        p.M <= FewRows && (p.BColStride == 1 || (p.BRowStride == 1 && p.AColStride == 1));

    public static void Tiny<TEpilogue>(in GemmProblem<T> p, in TEpilogue epilogue) where TEpilogue : struct, IGemmEpilogue<T>
    {
        for (int i = 0; i < p.M; i++)
        {
            T* a = p.A + i * p.ARowStride;
            T* c = p.C + i * p.Ldc;
            for (int j = 0; j < p.N; j++)
            {
                T* b = p.B + j * p.BColStride;
                T sum = T.Zero;
                for (int k = 0; k < p.K; k++) sum += a[k * p.AColStride] * b[k * p.BRowStride];
                c[j] = sum;
            }
        }
        GemmEpilogue.Apply(epilogue, p.C, p.Ldc, 0, p.M, 0, p.N);
    }

    // A one- or two-row product is a pass over B (W: 0.8 MB for 784×256 floats), bound by memory bandwidth:
    // two cores each streaming half of B's columns finish it in about half the time.
    private const long ParallelWork = 1 << 17;
    public static void Rows<TEpilogue>(in GemmProblem<T> p, in TEpilogue epilogue) where TEpilogue : struct, IGemmEpilogue<T>
    {
        int strip = 4 * Vector<T>.Count;
        int parts = Math.Min(Math.Max(1, Gemm.Threads), p.N / strip);
        if (p.BColStride == 1 && parts > 1 && (long)p.M * p.N * p.K >= ParallelWork)
        {
            // Each column of C is computed the same way whichever part holds it, so results do not depend on threads.
            var job = ColumnJob<TEpilogue>.Instance;
            lock (job)
            {
                job.Problem = p;
                job.Epilogue = epilogue;
                job.Chunk = ((p.N + parts - 1) / parts + strip - 1) / strip * strip; // covers all N columns
                WorkerPool.Run(job, parts);
                job.Epilogue = default; // hold no references to the caller's buffers
            }
            return;
        }
        RowsInColumns(p, epilogue, 0, p.N);
    }

    private sealed class ColumnJob<TEpilogue> : IParallelWork where TEpilogue : struct, IGemmEpilogue<T>
    {
        public static readonly ColumnJob<TEpilogue> Instance = new();
        public GemmProblem<T> Problem;
        public TEpilogue Epilogue;
        public int Chunk;

        public void Execute(int part)
        {
            int from = Math.Min(Problem.N, part * Chunk), to = Math.Min(Problem.N, from + Chunk);
            if (from < to) RowsInColumns(Problem, Epilogue, from, to);
        }
    }

    /// <summary>Columns j0..j1 of C = A·B for a product of one or two rows.</summary>
    private static void RowsInColumns<TEpilogue>(in GemmProblem<T> p, in TEpilogue epilogue, int j0, int j1) where TEpilogue : struct, IGemmEpilogue<T>
    {
        if (j0 > 0 || j1 < p.N)
        {
            for (int i = 0; i < p.M; i++)
                RowTimesMatrix(p.A + i * p.ARowStride, p.AColStride, p.B + j0, p.BRowStride, p.K, j1 - j0, p.C + i * p.Ldc + j0);
            GemmEpilogue.Apply(epilogue, p.C, p.Ldc, 0, p.M, j0, j1 - j0);
            return;
        }
        for (int i = 0; i < p.M; i++)
        {
            T* a = p.A + i * p.ARowStride;
            T* c = p.C + i * p.Ldc;
            if (p.BColStride == 1) RowTimesMatrix(a, p.AColStride, p.B, p.BRowStride, p.K, p.N, c);
            else
            {
                // B is Wᵀ: C[i, j] is the dot product of A's row with W's row j.
                var row = new ReadOnlySpan<T>(a, p.K);
                for (int j = 0; j < p.N; j++) c[j] = TensorPrimitives.Dot(row, new ReadOnlySpan<T>(p.B + j * p.BColStride, p.K));
            }
        }
        GemmEpilogue.Apply(epilogue, p.C, p.Ldc, 0, p.M, 0, p.N);
    }

    /// <summary>
    /// The columns of <see cref="RowTimesMatrix"/> that fit strips of eight 512-bit vectors: each step of k reads
    /// 8·64 contiguous bytes of B's row, so B streams through the cache in long runs (the four 256-bit vectors
    /// of <see cref="Vector{T}"/> read 128 bytes a row and then jump a whole row). Each column gets the same
    /// operations in the same order (c += a[k]·b, multiply then add), so the results are identical. Returns
    /// the first column left.
    /// </summary>
    private static int RowTimesMatrixWide(T* a, nint aStride, T* b, nint ldb, int kCount, int n, T* c)
    {
        int w = Vector512<T>.Count, j = 0;
        for (; j + 8 * w <= n; j += 8 * w)
        {
            Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            T* row = b + j;
            for (int k = 0; k < kCount; k++, row += ldb)
            {
                var x = Vector512.Create(a[k * aStride]);
                c0 += x * Vector512.Load(row);
                c1 += x * Vector512.Load(row + w);
                c2 += x * Vector512.Load(row + 2 * w);
                c3 += x * Vector512.Load(row + 3 * w);
                c4 += x * Vector512.Load(row + 4 * w);
                c5 += x * Vector512.Load(row + 5 * w);
                c6 += x * Vector512.Load(row + 6 * w);
                c7 += x * Vector512.Load(row + 7 * w);
            }
            c0.Store(c + j);
            c1.Store(c + j + w);
            c2.Store(c + j + 2 * w);
            c3.Store(c + j + 3 * w);
            c4.Store(c + j + 4 * w);
            c5.Store(c + j + 5 * w);
            c6.Store(c + j + 6 * w);
            c7.Store(c + j + 7 * w);
        }
        return j;
    }

    /// <summary>c = Σₖ a[k]·B[k, :], four vectors of columns at a time held in registers over all k.</summary>
    private static void RowTimesMatrix(T* a, nint aStride, T* b, nint ldb, int kCount, int n, T* c)
    {
        int w = Vector<T>.Count, j = 0;
        if (Vector512.IsHardwareAccelerated) j = RowTimesMatrixWide(a, aStride, b, ldb, kCount, n, c);
        for (; j + 4 * w <= n; j += 4 * w)
        {
            Vector<T> c0 = default, c1 = default, c2 = default, c3 = default;
            T* row = b + j;
            for (int k = 0; k < kCount; k++, row += ldb)
            {
                var x = new Vector<T>(a[k * aStride]);
                c0 += x * Vector.Load(row);
                c1 += x * Vector.Load(row + w);
                c2 += x * Vector.Load(row + 2 * w);
                c3 += x * Vector.Load(row + 3 * w);
            }
            c0.Store(c + j);
            c1.Store(c + j + w);
            c2.Store(c + j + 2 * w);
            c3.Store(c + j + 3 * w);
        }
        for (; j + w <= n; j += w)
        {
            Vector<T> sum = default;
            for (int k = 0; k < kCount; k++) sum += new Vector<T>(a[k * aStride]) * Vector.Load(b + k * ldb + j);
            sum.Store(c + j);
        }
        for (; j < n; j++)
        {
            T sum = T.Zero;
            for (int k = 0; k < kCount; k++) sum += a[k * aStride] * b[k * ldb + j];
            c[j] = sum;
        }
    }
}
