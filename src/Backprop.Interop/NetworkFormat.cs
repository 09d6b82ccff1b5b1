namespace Backprop.Interop;

/// <summary>The file formats a network can be read from and written to.</summary>
public enum NetworkFormat
{
    /// <summary>Our network JSON (<c>backprop.network/1</c>), see docs/network-format.md.</summary>
    Json,

    /// <summary>ONNX: a graph of Gemm (or MatMul + Add) and activation nodes.</summary>
    Onnx,

    /// <summary>safetensors: the weights, named like a PyTorch <c>nn.Sequential</c> state dict.</summary>
    Safetensors,
}
