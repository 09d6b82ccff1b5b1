using System.Numerics;
using Backprop.Gpu.Kernels;
using Backprop.Layers;
using ILGPU;
using ILGPU.Runtime;

namespace Backprop.Gpu;

/// <summary>
/// A dense layer and the activation after it (if any), on the device: W, b and their optimizer state,
/// and the batch buffers Z, H = σ(Z) and Δ = ∂L/∂Z, sized for the largest batch.
/// </summary>
internal sealed class DeviceLayer<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<MemoryBuffer> _buffers = [];

    public DeviceLayer(Accelerator accelerator, Dense<T> dense, Activation<T>? activation, int stateBuffers, int batch)
    {
        Dense = dense;
        Inputs = dense.Inputs;
        Outputs = dense.Outputs;
        Activation = activation is null ? DeviceActivation.None : DeviceActivation.Code(activation.Type);
        Slope = T.CreateChecked(activation is LeakyRelu<T> leaky ? leaky.Slope : 0);
        W = Allocate(accelerator, Inputs * Outputs);
        B = Allocate(accelerator, Outputs);
        W.CopyFromCPU(dense.Weights.Value.Span);
        B.CopyFromCPU(dense.Bias.Value.Span);
        // Optimizer state starts at zero, as the CPU optimizers' does; a rule without state gets 1-element stand-ins.
        W1 = Zeros(accelerator, stateBuffers >= 1 ? Inputs * Outputs : 1);
        W2 = Zeros(accelerator, stateBuffers >= 2 ? Inputs * Outputs : 1);
        B1 = Zeros(accelerator, stateBuffers >= 1 ? Outputs : 1);
        B2 = Zeros(accelerator, stateBuffers >= 2 ? Outputs : 1);
        Z = Allocate(accelerator, (long)batch * Outputs);
        H = Activation == DeviceActivation.None ? Z : Allocate(accelerator, (long)batch * Outputs);
        Delta = Allocate(accelerator, (long)batch * Outputs);
    }

    public Dense<T> Dense { get; }
    public int Inputs { get; }
    public int Outputs { get; }
    public int Activation { get; }
    public T Slope { get; }
    public ArrayView<T> W { get; }
    public ArrayView<T> B { get; }
    public ArrayView<T> W1 { get; }
    public ArrayView<T> W2 { get; }
    public ArrayView<T> B1 { get; }
    public ArrayView<T> B2 { get; }
    public ArrayView<T> Z { get; }

    /// <summary>The layer's output: σ(Z), or Z itself when no activation follows the dense layer.</summary>
    public ArrayView<T> H { get; }
    public ArrayView<T> Delta { get; }

    /// <summary>Copies W and b back into the CPU network's parameters.</summary>
    public void Download()
    {
        W.CopyToCPU(Dense.Weights.Value.Span);
        B.CopyToCPU(Dense.Bias.Value.Span);
    }

    private ArrayView<T> Allocate(Accelerator accelerator, long length)
    {
        var buffer = accelerator.Allocate1D<T>(length);
        _buffers.Add(buffer);
        return buffer.View;
    }

    private ArrayView<T> Zeros(Accelerator accelerator, long length)
    {
        var view = Allocate(accelerator, length);
        view.MemSetToZero();
        return view;
    }

    public void Dispose()
    {
        foreach (var buffer in _buffers) buffer.Dispose();
    }
}
