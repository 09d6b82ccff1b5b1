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

    /// <summary>
    /// A product over one value of k (dW = xᵀ·δ at batch 1) is an outer product: C[i, :] = A[i, 0]·B[0, :].
    /// Needs B's row contiguous.
    /// </summary>
    public static bool CanDoOuter(in GemmProblem<T> p) => p.K == 1 && p.BColStride == 1;

    /// <summary>
    /// C = A·B for k = 1, one row of C at a time, each row then finished by the epilogue while it is in L1 (for a
    /// plain SGD step, W is updated there), split by rows over the threads when C is large. Each element is
    /// a·b + 0, the value the blocked kernel (a fused multiply-add into zero) and <see cref="Tiny"/> give.
    /// </summary>
    public static void Outer<TEpilogue>(in GemmProblem<T> p, in TEpilogue epilogue) where TEpilogue : struct, IGemmEpilogue<T>
    {
        int parts = Math.Min(Math.Max(1, Gemm.Threads), p.M);
        if (parts > 1 && (long)p.M * p.N >= ParallelWork)
        {
            var job = OuterJob<TEpilogue>.Instance;
            lock (job)
            {
                job.Problem = p;
                job.Epilogue = epilogue;
                job.Chunk = (p.M + parts - 1) / parts;
                WorkerPool.Run(job, parts);
                job.Epilogue = default; // hold no references to the caller's buffers
            }
            return;
        }
        OuterRows(p, epilogue, 0, p.M);
    }

    private sealed class OuterJob<TEpilogue> : IParallelWork where TEpilogue : struct, IGemmEpilogue<T>
    {
        public static readonly OuterJob<TEpilogue> Instance = new();
        public GemmProblem<T> Problem;
        public TEpilogue Epilogue;
        public int Chunk;

        public void Execute(int part)
        {
            int from = Math.Min(Problem.M, part * Chunk), to = Math.Min(Problem.M, from + Chunk);
            if (from < to) OuterRows(Problem, Epilogue, from, to);
        }
    }

    private static void OuterRows<TEpilogue>(in GemmProblem<T> p, in TEpilogue epilogue, int i0, int i1) where TEpilogue : struct, IGemmEpilogue<T>
    {
        int w = Vector<T>.Count, n = p.N;
        for (int i = i0; i < i1; i++)
        {
            var a = p.A[i * p.ARowStride];
            var x = new Vector<T>(a);
            T* c = p.C + i * p.Ldc;
            int j = 0;
            // + 0 as in the kernel's sum from zero: a product of −0 is stored as +0, whichever path computed it.
            if (Vector512.IsHardwareAccelerated)
            {
                var x512 = Vector512.Create(a);
                for (; j + Vector512<T>.Count <= n; j += Vector512<T>.Count) (x512 * Vector512.Load(p.B + j) + Vector512<T>.Zero).Store(c + j);
            }
            for (; j + w <= n; j += w) (x * Vector.Load(p.B + j) + Vector<T>.Zero).Store(c + j);
            for (; j < n; j++) c[j] = a * p.B[j] + T.Zero;
            GemmEpilogue.Apply(epilogue, p.C, p.Ldc, i, 1, 0, n);
        }
    }

    /// <summary>
    /// C = aᵀ·b for a and b of one row (an outer product, as <see cref="Outer"/> computes it) and, in the same
    /// pass, W = C·scale + W (a multiply, then an add). At batch 1 this is dW = xᵀ·δ and a plain SGD step: one
    /// pass over W and dW instead of two, which matters because they stream from L3 at every step.
    /// </summary>
    public static void OuterAxpy(Matrix<T> a, Matrix<T> b, Matrix<T> c, T scale, Matrix<T> w)
    {
        int m = a.Cols, n = b.Cols;
        c.Reshape(m, n);
        int parts = Math.Min(Math.Max(1, Gemm.Threads), m);
        if (parts > 1 && (long)m * n >= ParallelWork)
        {
            var job = OuterAxpyJob.Instance;
            lock (job)
            {
                (job.A, job.B, job.C, job.W, job.Scale, job.Chunk) = (a, b, c, w, scale, (m + parts - 1) / parts);
                WorkerPool.Run(job, parts);
                (job.A, job.B, job.C, job.W) = (null, null, null, null); // hold no references to the caller's buffers
            }
            return;
        }
        OuterAxpyRows(a, b, c, scale, w, 0, m);
    }

    private sealed class OuterAxpyJob : IParallelWork
    {
        public static readonly OuterAxpyJob Instance = new();
        public Matrix<T>? A, B, C, W;
        public T Scale;
        public int Chunk;

        public void Execute(int part)
        {
            int m = A!.Cols, from = Math.Min(m, part * Chunk), to = Math.Min(m, from + Chunk);
            if (from < to) OuterAxpyRows(A, B!, C!, Scale, W!, from, to);
        }
    }

    private static void OuterAxpyRows(Matrix<T> a, Matrix<T> b, Matrix<T> c, T scale, Matrix<T> w, int i0, int i1)
    {
        int n = b.Cols;
        fixed (T* pa = a.Data, pb = b.Data, pc = c.Data, pw = w.Data)
        {
            for (int i = i0; i < i1; i++)
            {
                T x = pa[i];
                T* cr = pc + i * n, wr = pw + i * n;
                int j = 0;
                // c = x·b + 0 (see OuterRows); w = c·scale + w.
                if (Vector512.IsHardwareAccelerated)
                {
                    Vector512<T> x512 = Vector512.Create(x), s512 = Vector512.Create(scale);
                    for (; j + Vector512<T>.Count <= n; j += Vector512<T>.Count)
                    {
                        var product = x512 * Vector512.Load(pb + j) + Vector512<T>.Zero;
                        product.Store(cr + j);
                        (product * s512 + Vector512.Load(wr + j)).Store(wr + j);
                    }
                }
                Vector<T> xv = new(x), sv = new(scale);
                for (; j + Vector<T>.Count <= n; j += Vector<T>.Count)
                {
                    var product = xv * Vector.Load(pb + j) + Vector<T>.Zero;
                    product.Store(cr + j);
                    (product * sv + Vector.Load(wr + j)).Store(wr + j);
                }
                for (; j < n; j++)
                {
                    T product = x * pb[j] + T.Zero;
                    cr[j] = product;
                    wr[j] = product * scale + wr[j];
                }
            }
        }
    }

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
    /// c = Σₖ a[k]·B[k, :], many vectors of columns at a time held in registers over all k. Every column sums k
    /// in order with a multiply, then an add, whichever loop holds it, so the result does not depend on the width.
    /// </summary>
    private static void RowTimesMatrix(T* a, nint aStride, T* b, nint ldb, int kCount, int n, T* c)
    {
        int w = Vector<T>.Count, j = 0;
        // With AVX-512, sixteen 512-bit accumulators span a whole row of W¹ (256 floats): W is then read row after
        // row, one stream the prefetcher follows, instead of in strips down its columns (batch-1 forward 8 → 4 µs).
        // Eight span a row of W² (128 floats).
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 16 * Vector512<T>.Count <= n; j += 16 * Vector512<T>.Count) RowTimesMatrix16(a, aStride, b + j, ldb, kCount, c + j);
            j += RowTimesMatrixWide(a, aStride, b + j, ldb, kCount, n - j, c + j);
        }
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

    /// <summary>RowTimesMatrix over 16 vectors of 512 bits: c[0..16·width) = Σₖ a[k]·B[k, 0..16·width).</summary>
    private static void RowTimesMatrix16(T* a, nint aStride, T* b, nint ldb, int kCount, T* c)
    {
        int v = Vector512<T>.Count;
        Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<T> c8 = default, c9 = default, c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default;
        T* r = b;
        for (int k = 0; k < kCount; k++, r += ldb)
        {
            var x = Vector512.Create(a[k * aStride]);
            c0 += x * Vector512.Load(r); c1 += x * Vector512.Load(r + v); c2 += x * Vector512.Load(r + 2 * v); c3 += x * Vector512.Load(r + 3 * v);
            c4 += x * Vector512.Load(r + 4 * v); c5 += x * Vector512.Load(r + 5 * v); c6 += x * Vector512.Load(r + 6 * v); c7 += x * Vector512.Load(r + 7 * v);
            c8 += x * Vector512.Load(r + 8 * v); c9 += x * Vector512.Load(r + 9 * v); c10 += x * Vector512.Load(r + 10 * v); c11 += x * Vector512.Load(r + 11 * v);
            c12 += x * Vector512.Load(r + 12 * v); c13 += x * Vector512.Load(r + 13 * v); c14 += x * Vector512.Load(r + 14 * v); c15 += x * Vector512.Load(r + 15 * v);
        }
        c0.Store(c); c1.Store(c + v); c2.Store(c + 2 * v); c3.Store(c + 3 * v);
        c4.Store(c + 4 * v); c5.Store(c + 5 * v); c6.Store(c + 6 * v); c7.Store(c + 7 * v);
        c8.Store(c + 8 * v); c9.Store(c + 9 * v); c10.Store(c + 10 * v); c11.Store(c + 11 * v);
        c12.Store(c + 12 * v); c13.Store(c + 13 * v); c14.Store(c + 14 * v); c15.Store(c + 15 * v);
    }
}
