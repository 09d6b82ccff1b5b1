using System.Numerics;
using Backprop.Layers;
using Backprop.Tensors;

namespace Backprop.Model;

/// <summary>
/// A network frozen for inference (<see cref="Network{T}.Freeze"/>): its own copy of the weights, each W packed once
/// for the matrix product, as an inference engine does when a session starts. Predictions give the numbers of
/// <see cref="Network{T}.Predict(Matrix{T})"/> at the moment of freezing, without re-packing W on every call
/// (at batch 1024 of 784-256-128-10 that packing was 1.4 % of a call, more at mid-size batches). Training or
/// editing the original network afterwards does not change it: freeze again to pick up new weights.
/// It holds the weights twice (as given, for the one- and two-row products, and packed), so about twice the
/// network's parameter memory. Safe to call from many threads at once.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class FrozenNetwork<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // A private copy: nothing outside can change its weights, which is what lets the packed ones stay valid.
    private readonly Network<T> _network;

    internal FrozenNetwork(Network<T> network)
    {
        _network = NetworkSpec.From(network).Build<T>();
        _network.Storage = network.Storage;
        _network.Fuse = network.Fuse;
        foreach (var dense in _network.DenseLayers) dense.PackedWeights = PackedMatrix<T>.Pack(dense.Weights.Value);
    }

    /// <summary>The private copy, for tests.</summary>
    internal Network<T> Copy => _network;

    /// <summary>Inputs per example.</summary>
    public int Inputs => _network.Inputs;

    /// <summary>Outputs per example.</summary>
    public int Outputs => _network.Outputs;

    /// <inheritdoc cref="Network{T}.Predict(Matrix{T})"/>
    public Matrix<T> Predict(Matrix<T> x) => _network.Predict(x);

    /// <inheritdoc cref="Network{T}.Predict(T[,])"/>
    public T[,] Predict(T[,] x) => _network.Predict(x);

    /// <inheritdoc cref="Network{T}.PredictProba(Matrix{T})"/>
    public Matrix<T> PredictProba(Matrix<T> x) => _network.PredictProba(x);

    /// <inheritdoc cref="Network{T}.PredictProba(T[,])"/>
    public T[,] PredictProba(T[,] x) => _network.PredictProba(x);

    /// <inheritdoc cref="Network{T}.PredictClasses(T[,])"/>
    public int[] PredictClasses(T[,] x) => _network.PredictClasses(x);

    /// <inheritdoc/>
    public override string ToString() => $"frozen {_network}";
}
