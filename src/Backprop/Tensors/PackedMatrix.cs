using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Tensors;

/// <summary>
/// A right-hand operand B packed once into the blocked product's panels (<see cref="GemmDriver{T}"/>: slices of k,
/// panels of NR columns), so that products with it skip the packing they would otherwise redo on every call, as an
/// inference engine packs its constant weights when a session starts (784×256 floats: 14 µs a call per thread).
/// It is a snapshot: <see cref="Source"/> must not change after packing (a frozen network owns its copy).
/// Products that do not take the blocked path (a few rows, tiny sizes), or that run on another kernel than the one
/// it was packed for (tests), use <see cref="Source"/> and give the same numbers.
/// </summary>
internal sealed unsafe class PackedMatrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _storage; // pinned (allocated on the pinned heap), so Panels stays valid

    private PackedMatrix(Matrix<T> source, GemmKernelKind kernel, int length)
    {
        Source = source;
        Kernel = kernel;
        // 64 bytes of slack to start the panels on a cache line, as the packing buffers do.
        _storage = GC.AllocateUninitializedArray<T>(length + 64 / sizeof(T), pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_storage));
        Panels = (T*)((start + 63) & ~(nint)63);
    }

    /// <summary>B itself, k×n.</summary>
    public Matrix<T> Source { get; }

    /// <summary>The micro-kernel the panels were laid out for.</summary>
    public GemmKernelKind Kernel { get; }

    /// <summary>The packed panels (see <see cref="GemmDriver{T}.PackAll"/>).</summary>
    public T* Panels { get; }

    /// <summary>Packs <paramref name="b"/> for the best kernel (or a test's forced one); null where the blocked product could not use it (n too wide).</summary>
    public static PackedMatrix<T>? Pack(Matrix<T> b)
    {
        var kernel = Gemm.ForcedKernel ?? GemmDriver<T>.Best;
        long length = GemmDriver<T>.PackedLength(kernel, b.Rows, b.Cols);
        if (b.Rows == 0 || !GemmDriver<T>.CanPackAll(b.Cols) || length > Array.MaxLength - 64) return null;
        var packed = new PackedMatrix<T>(b, kernel, (int)length);
        fixed (T* source = b.Data)
        {
            var problem = new GemmProblem<T> { K = b.Rows, N = b.Cols, B = source, BRowStride = b.Cols, BColStride = 1, Kernel = kernel };
            GemmDriver<T>.PackAll(problem, packed.Panels);
        }
        return packed;
    }
}
