using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Wasm;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Tensors;

/// <summary>
/// The blocked matrix product (the loop nest of Goto and van de Geijn, as in BLIS):
/// <code>
/// for jc in n, step NC         (a slice of B's columns)
///   for pc in k, step KC       (a slice of k: pack B[pc, jc] once, it is reused by every row of A)
///     for ic in m, step MC     (A[ic, pc] stays in L2)
///       for jr in nc, step NR  (a packed B panel of KC×NR stays in L1)
///         for ir in mc, step MR
///           micro-kernel: C[ir, jr] (+)= A[ir, pc]·B[pc, jr], an MR×NR tile held in registers
/// </code>
/// Threads split C into slices of whole panels along its longer side; each runs this nest on its slice
/// with its own packing buffer. Every element of C sums k in the same order whatever the split, so
/// results do not depend on the number of threads.
/// </summary>
internal static unsafe class GemmDriver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // KC·NR·sizeof(T) (a B panel) = 32 KiB for AVX-512 floats: it fits L1 beside the A rows in flight.
    private static readonly int KC = 1024 / sizeof(T);
    private const int MC = 96;
    private const int NC = 2048;

    // Below this many multiply-adds a product is not worth a second thread (waking it costs ~1 µs).
    private const long ParallelThreshold = 1 << 17;

    /// <summary>The best kernel this machine has (tests may pick another to check every path).</summary>
    public static GemmKernelKind Best { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? GemmKernelKind.Avx512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmKernelKind.Avx2
        : PackedSimd.IsSupported ? GemmKernelKind.Wasm
        : GemmKernelKind.Vector;

    public static int MR(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Avx512 => GemmKernel<T, Vector512<T>, Avx512Vectors<T>>.MR,
        GemmKernelKind.Avx2 => GemmKernel<T, Vector256<T>, Avx2Vectors<T>>.MR,
        GemmKernelKind.Wasm => GemmKernel<T, Vector128<T>, WasmVectors<T>>.MR,
        _ => GemmKernel<T, Vector<T>, PortableVectors<T>>.MR,
    };

    public static int NR(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Avx512 => GemmKernel<T, Vector512<T>, Avx512Vectors<T>>.NR,
        GemmKernelKind.Avx2 => GemmKernel<T, Vector256<T>, Avx2Vectors<T>>.NR,
        GemmKernelKind.Wasm => GemmKernel<T, Vector128<T>, WasmVectors<T>>.NR,
        _ => GemmKernel<T, Vector<T>, PortableVectors<T>>.NR,
    };

    /// <summary>Runs the product, then the epilogue on each finished block, on up to <paramref name="threads"/> threads.</summary>
    public static void Run<TEpilogue>(in GemmProblem<T> p, in TEpilogue epilogue, int threads) where TEpilogue : struct, IGemmEpilogue<T>
    {
        int mr = MR(p.Kernel), nr = NR(p.Kernel);
        long work = (long)p.M * p.N * Math.Max(p.K, 1);
        // Slice the longer side of C (in elements): the other operand is then packed by each thread once.
        bool splitColumns = p.N >= p.M;
        int panels = splitColumns ? (p.N + nr - 1) / nr : (p.M + mr - 1) / mr;
        int parts = (int)Math.Min(Math.Min(threads, panels), Math.Max(1, work / ParallelThreshold));
        if (parts <= 1)
        {
            RunSlice(p, epilogue, 0, p.M, 0, p.N);
            return;
        }
        // One product at a time owns the job (the pool runs one job at a time; others run serially).
        var job = Job<TEpilogue>.Instance;
        lock (job)
        {
            job.Problem = p;
            job.Epilogue = epilogue;
            job.SplitColumns = splitColumns;
            job.PanelsPerPart = (panels + parts - 1) / parts;
            job.PanelSize = splitColumns ? nr : mr;
            WorkerPool.Run(job, parts);
            job.Epilogue = default; // hold no references to the caller's buffers
        }
    }

    /// <summary>Whether all of a B with <paramref name="n"/> columns can be packed ahead (<see cref="PackAll"/>): one slice of columns.</summary>
    public static bool CanPackAll(int n) => n <= NC;

    /// <summary>The values <see cref="PackAll"/> writes for a k×n B.</summary>
    public static long PackedLength(GemmKernelKind kind, int k, int n) => (long)k * RoundUp(n, PanelWidth(kind, n));

    /// <summary>
    /// Packs all of B (n ≤ NC) as the blocked product would, slice by slice of k: the slice starting at row pc of B
    /// at <c>dst + pc·n'</c> (n' = n rounded up to whole panels), its panels of NR columns one after another.
    /// </summary>
    public static void PackAll(in GemmProblem<T> p, T* dst)
    {
        int nr = PanelWidth(p.Kernel, p.N), rounded = RoundUp(p.N, nr);
        for (int pc = 0; pc < p.K; pc += KC) GemmPacking<T>.PackB(p, pc, Math.Min(KC, p.K - pc), 0, p.N, nr, dst + (nint)pc * rounded);
    }

    // C no wider than one vector (a 10-output layer): tiles of one vector of columns, not two.
    private static int PanelWidth(GemmKernelKind kind, int n) => n <= NR(kind) / 2 ? NR(kind) / 2 : NR(kind);

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>The parallel product: part i computes its slice of C.</summary>
    private sealed class Job<TEpilogue> : IParallelWork where TEpilogue : struct, IGemmEpilogue<T>
    {
        public static readonly Job<TEpilogue> Instance = new();
        public GemmProblem<T> Problem;
        public TEpilogue Epilogue;
        public bool SplitColumns;
        public int PanelsPerPart, PanelSize;

        public void Execute(int part)
        {
            int size = SplitColumns ? Problem.N : Problem.M;
            int from = Math.Min(size, part * PanelsPerPart * PanelSize);
            int to = Math.Min(size, from + PanelsPerPart * PanelSize);
            if (from >= to) return;
            if (SplitColumns) RunSlice(Problem, Epilogue, 0, Problem.M, from, to);
            else RunSlice(Problem, Epilogue, from, to, 0, Problem.N);
        }
    }

    /// <summary>The loop nest above, on rows [m0, m1) and columns [n0, n1) of C.</summary>
    private static void RunSlice<TEpilogue>(in GemmProblem<T> p, in TEpilogue epilogue, int m0, int m1, int n0, int n1)
        where TEpilogue : struct, IGemmEpilogue<T>
    {
        var kind = p.Kernel;
        int mr = MR(kind), nr = PanelWidth(kind, p.N);
        bool narrow = nr < NR(kind);
        int mc = MC / mr * mr;
        int ncMax = Math.Min(NC, (n1 - n0 + nr - 1) / nr * nr);
        T* packedB = p.PackedB != null ? null : GemmBuffers<T>.B((nint)KC * ncMax);
        T* shortA = GemmBuffers<T>.A((nint)KC * mr);
        T* tile = stackalloc T[mr * nr];
        for (int jc = n0; jc < n1; jc += NC)
        {
            int nc = Math.Min(NC, n1 - jc);
            if (p.K == 0)
            {
                // An empty sum: C = 0 (then the bias and σ).
                for (int i = m0; i < m1; i++) new Span<T>(p.C + i * p.Ldc + jc, nc).Clear();
                GemmFinish<T>.Block(p, m0, m1 - m0, jc, nc);
                GemmEpilogue.Apply(epilogue, p.C, p.Ldc, m0, m1 - m0, jc, nc);
                continue;
            }
            for (int pc = 0; pc < p.K; pc += KC)
            {
                int kc = Math.Min(KC, p.K - pc);
                bool accumulate = pc > 0, last = pc + kc == p.K;
                // B packed ahead (n ≤ NC, so jc = n0 is a whole number of panels into the slice): no packing here.
                if (p.PackedB != null) packedB = p.PackedB + (nint)pc * RoundUp(p.N, nr) + (nint)jc * kc;
                else GemmPacking<T>.PackB(p, pc, kc, jc, nc, nr, packedB);
                for (int ic = m0; ic < m1; ic += mc)
                {
                    int rows = Math.Min(mc, m1 - ic);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        T* b = packedB + jr * kc;
                        for (int ir = 0; ir < rows; ir += mr)
                        {
                            int h = Math.Min(mr, rows - ir);
                            T* a = p.A + (ic + ir) * p.ARowStride + pc * p.AColStride;
                            nint aRow = p.ARowStride, aCol = p.AColStride;
                            if (h < mr)
                            {
                                GemmPacking<T>.PackShortA(p, ic + ir, h, pc, kc, mr, shortA);
                                a = shortA;
                                aRow = 1;
                                aCol = mr;
                            }
                            T* c = p.C + (ic + ir) * p.Ldc + jc + jr;
                            if (h == mr && cols == nr)
                            {
                                Kernel(kind, narrow, kc, a, aRow, aCol, b, c, p.Ldc, accumulate, last ? GemmFinish<T>.Tile(p, ic + ir, jc + jr) : default);
                                continue;
                            }
                            // An edge tile: compute the full tile aside, keep the part inside C.
                            Kernel(kind, narrow, kc, a, aRow, aCol, b, tile, nr, false);
                            for (int i = 0; i < h; i++)
                            {
                                var from = new ReadOnlySpan<T>(tile + i * nr, cols);
                                var to = new Span<T>(c + i * p.Ldc, cols);
                                if (accumulate) System.Numerics.Tensors.TensorPrimitives.Add(to, from, to);
                                else from.CopyTo(to);
                            }
                            if (last) GemmFinish<T>.Block(p, ic + ir, h, jc + jr, cols);
                        }
                    }
                    if (last) GemmEpilogue.Apply(epilogue, p.C, p.Ldc, ic, rows, jc, nc);
                }
            }
        }
    }

    private static void Kernel(GemmKernelKind kind, bool narrow, int kc, T* a, nint aRow, nint aCol, T* b, T* c, nint ldc, bool accumulate, in GemmFinish<T> finish = default)
    {
        if (narrow)
        {
            switch (kind)
            {
                case GemmKernelKind.Avx512: GemmKernel<T, Vector512<T>, Avx512Vectors<T>>.RunNarrow(kc, a, aRow, aCol, b, c, ldc, accumulate, finish); break;
                case GemmKernelKind.Avx2: GemmKernel<T, Vector256<T>, Avx2Vectors<T>>.RunNarrow(kc, a, aRow, aCol, b, c, ldc, accumulate, finish); break;
                case GemmKernelKind.Wasm: GemmKernel<T, Vector128<T>, WasmVectors<T>>.RunNarrow(kc, a, aRow, aCol, b, c, ldc, accumulate, finish); break;
                default: GemmKernel<T, Vector<T>, PortableVectors<T>>.RunNarrow(kc, a, aRow, aCol, b, c, ldc, accumulate, finish); break;
            }
            return;
        }
        switch (kind)
        {
            case GemmKernelKind.Avx512: GemmKernel<T, Vector512<T>, Avx512Vectors<T>>.Run(kc, a, aRow, aCol, b, c, ldc, accumulate, finish); break;
            case GemmKernelKind.Avx2: GemmKernel<T, Vector256<T>, Avx2Vectors<T>>.Run(kc, a, aRow, aCol, b, c, ldc, accumulate, finish); break;
            case GemmKernelKind.Wasm: GemmKernel<T, Vector128<T>, WasmVectors<T>>.Run(kc, a, aRow, aCol, b, c, ldc, accumulate, finish); break;
            default: GemmKernel<T, Vector<T>, PortableVectors<T>>.Run(kc, a, aRow, aCol, b, c, ldc, accumulate, finish); break;
        }
    }
}
