using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>
/// The operations <see cref="GemmKernel{T, TVector, TVectors}"/> needs from one vector width, and how many rows
/// of C its registers hold. Implemented by structs, so every call is resolved and inlined when the kernel is compiled.
/// </summary>
internal unsafe interface IGemmVectors<T, TVector> where T : unmanaged, IFloatingPointIeee754<T> where TVector : struct
{
    /// <summary>MR: rows of the tile (2·MR accumulators plus three working registers must fit the register file).</summary>
    static abstract int Rows { get; }

    /// <summary>Values of T per vector.</summary>
    static abstract int Width { get; }

    static abstract TVector Load(T* source);
    static abstract TVector Broadcast(T value);
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector addend);
    static abstract TVector Add(TVector a, TVector b);
    static abstract void Store(TVector value, T* destination);

    /// <summary>max(v, 0) as <c>T.Max</c> gives it: v where v &gt; 0 or NaN, else +0.</summary>
    static abstract TVector Clamp(TVector v);
}

/// <summary>AVX-512: 32 zmm registers hold 8 rows × 2 vectors of accumulators.</summary>
internal readonly unsafe struct Avx512Vectors<T> : IGemmVectors<T, Vector512<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Rows => 8;
    public static int Width => Vector512<T>.Count;
    public static Vector512<T> Load(T* source) => Vector512.Load(source);
    public static Vector512<T> Broadcast(T value) => Vector512.Create(value);
    public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;
    public static void Store(Vector512<T> value, T* destination) => value.Store(destination);
    public static Vector512<T> Clamp(Vector512<T> v) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<T>.Zero) | ~Vector512.Equals(v, v), v, Vector512<T>.Zero);

    // The JIT keeps only the branch for the T it compiles: one fused multiply-add instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> addend) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), addend.As<T, float>()).As<float, T>()
            : Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), addend.As<T, double>()).As<double, T>();
}

/// <summary>AVX2/FMA: 16 ymm registers hold 6 rows × 2 vectors of accumulators.</summary>
internal readonly unsafe struct Avx2Vectors<T> : IGemmVectors<T, Vector256<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Rows => 6;
    public static int Width => Vector256<T>.Count;
    public static Vector256<T> Load(T* source) => Vector256.Load(source);
    public static Vector256<T> Broadcast(T value) => Vector256.Create(value);
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;
    public static void Store(Vector256<T> value, T* destination) => value.Store(destination);
    public static Vector256<T> Clamp(Vector256<T> v) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<T>.Zero) | ~Vector256.Equals(v, v), v, Vector256<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> addend) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), addend.As<T, float>()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), addend.As<T, double>()).As<double, T>();
}

/// <summary>Portable <see cref="Vector{T}"/> (Arm, old x64): 4 rows × 2 vectors; fused where the hardware can.</summary>
internal readonly unsafe struct PortableVectors<T> : IGemmVectors<T, Vector<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Rows => 4;
    public static int Width => Vector<T>.Count;
    public static Vector<T> Load(T* source) => Vector.Load(source);
    public static Vector<T> Broadcast(T value) => new(value);
    public static Vector<T> Add(Vector<T> a, Vector<T> b) => a + b;
    public static void Store(Vector<T> value, T* destination) => value.Store(destination);
    public static Vector<T> Clamp(Vector<T> v) =>
        Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<T>.Zero) | ~Vector.Equals(v, v), v, Vector<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> MultiplyAdd(Vector<T> a, Vector<T> b, Vector<T> addend) =>
        typeof(T) == typeof(float)
            ? Vector.MultiplyAddEstimate(Vector.AsVectorSingle(a), Vector.AsVectorSingle(b), Vector.AsVectorSingle(addend)).As<float, T>()
            : Vector.MultiplyAddEstimate(Vector.AsVectorDouble(a), Vector.AsVectorDouble(b), Vector.AsVectorDouble(addend)).As<double, T>();
}

/// <summary>
/// WebAssembly SIMD128 (the playground in a browser): 8 rows × 2 vectors (the fastest of 4, 6 and 8 there). SIMD128 has no fused multiply-add, and
/// <see cref="Vector128.FusedMultiplyAdd(Vector128{float}, Vector128{float}, Vector128{float})"/> there is a
/// software loop (14× slower in the interpreter); a multiply then an add is two SIMD instructions the jiterpreter
/// compiles. So these products round twice, and differ from the fused x64 kernels in the last bits.
/// </summary>
internal readonly unsafe struct WasmVectors<T> : IGemmVectors<T, Vector128<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Rows => 8;
    public static int Width => Vector128<T>.Count;
    public static Vector128<T> Load(T* source) => Vector128.Load(source);
    public static Vector128<T> Broadcast(T value) => Vector128.Create(value);
    public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;
    public static void Store(Vector128<T> value, T* destination) => value.Store(destination);
    public static Vector128<T> Clamp(Vector128<T> v) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(v, Vector128<T>.Zero) | ~Vector128.Equals(v, v), v, Vector128<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> addend) => a * b + addend;
}
