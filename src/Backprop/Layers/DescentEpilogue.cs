using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// The epilogue of the product dW = Xᵀ·Δ when plain SGD trains the network: each finished piece of dW, still in
/// cache, is written as usual and also applied to W (W = dW·(−η) + W), so the optimizer needs no separate pass
/// over W and dW. It is the very operation <c>Sgd</c> runs over the whole matrix (an element-wise multiply, then
/// add, not fused), so W gets the same bits.
/// </summary>
internal readonly struct DescentEpilogue<T>(Matrix<T> weights, T minusRate) : IGemmEpilogue<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Apply(int row, int col, Span<T> dw)
    {
        var w = weights.Data.AsSpan(row * weights.Cols + col, dw.Length);
        // W = dW·(−η) + W: TensorPrimitives.MultiplyAdd's operations (a multiply, then an add, never fused), in a
        // plain loop: pieces are short (a row of W at batch 1) and the call would cost as much as the work.
        int i = 0;
        ref T wr = ref MemoryMarshal.GetReference(w);
        ref T gr = ref MemoryMarshal.GetReference(dw);
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(minusRate);
            for (; i + Vector512<T>.Count <= w.Length; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref gr, (nuint)i) * s + Vector512.LoadUnsafe(ref wr, (nuint)i)).StoreUnsafe(ref wr, (nuint)i);
        }
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> s = new(minusRate);
            for (; i + Vector<T>.Count <= w.Length; i += Vector<T>.Count)
                (Vector.LoadUnsafe(ref gr, (nuint)i) * s + Vector.LoadUnsafe(ref wr, (nuint)i)).StoreUnsafe(ref wr, (nuint)i);
        }
        for (; i < w.Length; i++) w[i] = dw[i] * minusRate + w[i];
    }
}
