using System.Numerics;
using System.Runtime.InteropServices;

namespace Backprop.Layers;

/// <summary>
/// The element-wise loops of the activations, in vectors. A scalar `z &gt; 0 ? a : b` branches on the sign of
/// every element, which is random in a network and mispredicted about half the time (2–3 ns an element, the
/// largest cost of the backward sweep at batch 128); a vector compare and select has no branch. Each element
/// gets exactly the operations the scalar loop gave it, so the results are bit-identical.
/// </summary>
internal static class Elementwise
{
    /// <summary>d[i] = z[i] &gt; 0 ? positive : other (σ' of relu and leaky_relu).</summary>
    public static void Step<T>(ReadOnlySpan<T> z, T positive, T other, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref T zr = ref MemoryMarshal.GetReference(z);
            ref T dr = ref MemoryMarshal.GetReference(d);
            Vector<T> p = new(positive), o = new(other);
            for (; i + Vector<T>.Count <= d.Length; i += Vector<T>.Count)
                Vector.ConditionalSelect(Vector.GreaterThan(Vector.LoadUnsafe(ref zr, (nuint)i), Vector<T>.Zero), p, o).StoreUnsafe(ref dr, (nuint)i);
        }
        for (; i < d.Length; i++) d[i] = z[i] > T.Zero ? positive : other;
    }

    /// <summary>h[i] = z[i] &gt; 0 ? z[i] : slope·z[i] (leaky_relu).</summary>
    public static void Leaky<T>(ReadOnlySpan<T> z, T slope, Span<T> h) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref T zr = ref MemoryMarshal.GetReference(z);
            ref T hr = ref MemoryMarshal.GetReference(h);
            Vector<T> s = new(slope);
            for (; i + Vector<T>.Count <= h.Length; i += Vector<T>.Count)
            {
                var v = Vector.LoadUnsafe(ref zr, (nuint)i);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<T>.Zero), v, s * v).StoreUnsafe(ref hr, (nuint)i);
            }
        }
        for (; i < h.Length; i++) h[i] = z[i] > T.Zero ? z[i] : slope * z[i];
    }

    /// <summary>d[i] = h[i]·(1 − h[i]) (σ' of sigmoid from σ).</summary>
    public static void TimesOneMinus<T>(ReadOnlySpan<T> h, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref T hr = ref MemoryMarshal.GetReference(h);
            ref T dr = ref MemoryMarshal.GetReference(d);
            for (; i + Vector<T>.Count <= d.Length; i += Vector<T>.Count)
            {
                var v = Vector.LoadUnsafe(ref hr, (nuint)i);
                (v * (Vector<T>.One - v)).StoreUnsafe(ref dr, (nuint)i);
            }
        }
        for (; i < d.Length; i++) d[i] = h[i] * (T.One - h[i]);
    }

    /// <summary>d[i] = 1 − h[i]² (σ' of tanh from tanh).</summary>
    public static void OneMinusSquare<T>(ReadOnlySpan<T> h, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref T hr = ref MemoryMarshal.GetReference(h);
            ref T dr = ref MemoryMarshal.GetReference(d);
            for (; i + Vector<T>.Count <= d.Length; i += Vector<T>.Count)
            {
                var v = Vector.LoadUnsafe(ref hr, (nuint)i);
                (Vector<T>.One - v * v).StoreUnsafe(ref dr, (nuint)i);
            }
        }
        for (; i < d.Length; i++) d[i] = T.One - h[i] * h[i];
    }
}
