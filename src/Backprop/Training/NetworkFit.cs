using System.Numerics;
using Backprop.Data;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>
/// Training from plain arrays: mini-batch training by <see cref="Trainer{T}"/>, with a validation split,
/// a per-epoch callback, early stopping and cancellation around it.
/// </summary>
/// <remarks>
/// Fit changes the network's weights and uses its training buffers: while it runs, no other thread may use
/// the network. The arrays are of the network's own precision (<c>float[,]</c> for a <c>Network&lt;float&gt;</c>,
/// <c>double[,]</c> for a <c>Network&lt;double&gt;</c>); the examples are held as float32, like every <see cref="Dataset"/>,
/// and each batch is computed in the network's precision.
/// </remarks>
public static class NetworkFit
{
    /// <summary>Trains a classifier: one class index per row of <paramref name="x"/>.</summary>
    /// <param name="network">The network to train; with one output per class, or one output for two classes.</param>
    /// <param name="x">One example per row, as many columns as the network has inputs.</param>
    /// <param name="labels">The class of each row, from 0.</param>
    /// <param name="options">Epochs, batch size, optimizer, seed, validation split, early stopping; null for the defaults.</param>
    /// <param name="cancellationToken">Checked after every batch; cancelling leaves the weights of the last batch trained.</param>
    /// <returns>The epochs trained and the best of them.</returns>
    /// <exception cref="ArgumentException">Shapes that do not fit the network, or a label out of range.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    /// <exception cref="BackpropException">The loss became infinite or NaN (try a smaller learning rate).</exception>
    public static FitResult Fit<T>(this Network<T> network, T[,] x, int[] labels, FitOptions? options = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckRows(network, x, labels.Length, nameof(labels));
        int classes = network.Outputs == 1 ? 2 : network.Outputs;
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || labels[i] >= classes)
                throw new ArgumentException($"labels[{i}] is {labels[i]}, but a network with {network.Outputs} output(s) tells classes 0..{classes - 1} apart", nameof(labels));
        return network.Fit(new Dataset("data", Flatten(x), x.GetLength(1), labels, classes), options, cancellationToken);
    }

    /// <summary>Trains a regression: one row of target values per row of <paramref name="x"/>.</summary>
    /// <param name="network">The network to train; as many outputs as <paramref name="targets"/> has columns.</param>
    /// <param name="x">One example per row, as many columns as the network has inputs.</param>
    /// <param name="targets">The target values of each row.</param>
    /// <param name="options">Epochs, batch size, optimizer, seed, validation split, early stopping; null for the defaults.</param>
    /// <param name="cancellationToken">Checked after every batch; cancelling leaves the weights of the last batch trained.</param>
    /// <returns>The epochs trained and the best of them.</returns>
    /// <exception cref="ArgumentException">Shapes that do not fit the network.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    /// <exception cref="BackpropException">The loss became infinite or NaN (try a smaller learning rate).</exception>
    public static FitResult Fit<T>(this Network<T> network, T[,] x, T[,] targets, FitOptions? options = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckRows(network, x, targets.GetLength(0), nameof(targets));
        if (targets.GetLength(1) != network.Outputs)
            throw new ArgumentException($"targets has {targets.GetLength(1)} columns but the network has {network.Outputs} outputs", nameof(targets));
        return network.Fit(new Dataset("data", Flatten(x), x.GetLength(1), Flatten(targets), targets.GetLength(1)), options, cancellationToken);
    }

    /// <summary>Trains on a data set (classification or regression, as the data set is).</summary>
    /// <param name="network">The network to train.</param>
    /// <param name="data">The examples; a <see cref="FitOptions.ValidationSplit"/> is held out of them.</param>
    /// <param name="options">Epochs, batch size, optimizer, seed, validation split, early stopping; null for the defaults.</param>
    /// <param name="cancellationToken">Checked after every batch; cancelling leaves the weights of the last batch trained.</param>
    /// <returns>The epochs trained and the best of them.</returns>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    /// <exception cref="BackpropException">The data do not fit the network, or the loss became infinite or NaN.</exception>
    public static FitResult Fit<T>(this Network<T> network, Dataset data, FitOptions? options = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        options ??= new FitOptions();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var (train, validation) = options.ValidationSplit > 0 ? data.Split(options.ValidationSplit, options.Seed) : (data, null);
        var optimizer = Optimizer<T>.Create(options.Optimizer, options.LearningRateFor(options.Optimizer), options.Momentum, options.WeightDecay);
        // The one training loop is the Trainer's; Fit only decides when to stop.
        var trainer = new Trainer<T>(network, optimizer, options.BatchSize, options.Seed);

        var history = new List<EpochReport>();
        Matrix<T>[]? bestWeights = null;
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, sinceBest = 0;
        bool stopped = false;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The trainer stops after the batch at hand when cancelled (null), leaving its state consistent.
            var report = trainer.TrainEpoch(train, validation, cancellationToken) ?? throw new OperationCanceledException(cancellationToken);
            history.Add(report);
            options.EpochCompleted?.Invoke(report);
            if (report.Test is not { } test)
            {
                bestEpoch = epoch;
                continue;
            }
            if (test.Loss < bestLoss)
            {
                (bestLoss, bestEpoch, sinceBest) = (test.Loss, epoch, 0);
                if (options.Patience is not null) bestWeights = [.. network.Parameters.Select(p => p.Value.Clone())];
            }
            else if (++sinceBest >= options.Patience)
            {
                stopped = epoch < options.Epochs;
                break;
            }
        }
        if (bestWeights is not null)
        {
            int k = 0;
            foreach (var p in network.Parameters) bestWeights[k++].Span.CopyTo(p.Value.Span);
        }
        return new FitResult(history, bestEpoch, stopped);
    }

    private static void CheckRows<T>(Network<T> network, T[,] x, int rows, string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.GetLength(1) != network.Inputs)
            throw new ArgumentException($"x has {x.GetLength(1)} columns but the network takes {network.Inputs} inputs", nameof(x));
        if (x.GetLength(0) == 0) throw new ArgumentException("x has no rows", nameof(x));
        if (rows != x.GetLength(0)) throw new ArgumentException($"x has {x.GetLength(0)} rows but {name} has {rows}", name);
    }

    private static float[] Flatten<T>(T[,] a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var flat = new float[a.Length];
        int k = 0;
        foreach (T v in a) flat[k++] = float.CreateTruncating(v);
        return flat;
    }
}
