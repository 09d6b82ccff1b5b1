using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Tensors;

namespace Backprop.Layers;

/// <summary>
/// The epilogue of the product dW = Xᵀ·Δ when plain SGD trains the network: each finished piece of dW, still in
/// cache, is written as usual and also applied to W (W = dW·(−η) + W), so the optimizer needs no separate pass
/// over W and dW. It is the very operation <c>Sgd</c> runs over the whole matrix (an element-wise multiply, then
/// add), so W gets the same bits.
/// </summary>
internal readonly struct DescentEpilogue<T>(Matrix<T> weights, T minusRate) : IGemmEpilogue<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public void Apply(int row, int col, Span<T> dw)
    {
        var w = weights.Data.AsSpan(row * weights.Cols + col, dw.Length);
        TensorPrimitives.MultiplyAdd(dw, minusRate, w, w);                    // W = dW·(−η) + W
    }
}
