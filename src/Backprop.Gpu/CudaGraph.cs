using System.Runtime.InteropServices;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Backprop.Gpu;

/// <summary>
/// A run of launches recorded once on a CUDA stream and replayed with one call (a CUDA graph). ILGPU has no
/// graph API, so the five driver calls come straight from the NVIDIA driver library. A small MLP's step is
/// bound by the host's cost per launch (about 11 µs through ILGPU on an H200); a graph of G steps costs one
/// launch. Null from <see cref="Record"/> whenever the driver refuses: the caller then launches one by one.
/// </summary>
internal sealed unsafe class CudaGraph : IDisposable
{
    private const int Relaxed = 2; // CU_STREAM_CAPTURE_MODE_RELAXED: ILGPU may make non-stream driver calls while recording

    private static readonly nint Driver = Load();
    private static readonly delegate* unmanaged<nint, int, int> BeginCapture = (delegate* unmanaged<nint, int, int>)Export("cuStreamBeginCapture_v2");
    private static readonly delegate* unmanaged<nint, nint*, int> EndCapture = (delegate* unmanaged<nint, nint*, int>)Export("cuStreamEndCapture");
    private static readonly delegate* unmanaged<nint*, nint, ulong, int> Instantiate = (delegate* unmanaged<nint*, nint, ulong, int>)Export("cuGraphInstantiateWithFlags");
    private static readonly delegate* unmanaged<nint, nint, int> GraphLaunch = (delegate* unmanaged<nint, nint, int>)Export("cuGraphLaunch");
    private static readonly delegate* unmanaged<nint, int> ExecDestroy = (delegate* unmanaged<nint, int>)Export("cuGraphExecDestroy");
    private static readonly delegate* unmanaged<nint, int> GraphDestroy = (delegate* unmanaged<nint, int>)Export("cuGraphDestroy");

    private readonly nint _graph, _exec, _stream;

    private CudaGraph(nint graph, nint exec, nint stream)
    {
        _graph = graph;
        _exec = exec;
        _stream = stream;
    }

    /// <summary>Records what <paramref name="launches"/> enqueues on <paramref name="stream"/> (nothing runs), or null.</summary>
    public static CudaGraph? Record(AcceleratorStream stream, Action launches)
    {
        if (stream is not CudaStream cuda || BeginCapture == null || EndCapture == null || Instantiate == null || GraphLaunch == null) return null;
        nint handle = cuda.StreamPtr, graph = 0, exec = 0;
        if (BeginCapture(handle, Relaxed) != 0) return null;
        try
        {
            launches();
        }
        finally
        {
            if (EndCapture(handle, &graph) != 0) graph = 0; // always end, so the stream leaves capture mode
        }
        if (graph == 0) return null;
        if (Instantiate(&exec, graph, 0) != 0)
        {
            GraphDestroy(graph);
            return null;
        }
        return new CudaGraph(graph, exec, handle);
    }

    /// <summary>Enqueues the recorded launches once more on the stream they were recorded on.</summary>
    public void Launch()
    {
        int status = GraphLaunch(_exec, _stream);
        if (status != 0) throw new InvalidOperationException($"cuGraphLaunch failed with CUDA error {status}");
    }

    public void Dispose()
    {
        ExecDestroy(_exec);
        GraphDestroy(_graph);
    }

    private static nint Load()
    {
        foreach (var name in new[] { "libcuda.so.1", "libcuda.so", "nvcuda.dll" })
            if (NativeLibrary.TryLoad(name, out var handle)) return handle;
        return 0;
    }

    private static nint Export(string name) => Driver != 0 && NativeLibrary.TryGetExport(Driver, name, out var address) ? address : 0;
}
