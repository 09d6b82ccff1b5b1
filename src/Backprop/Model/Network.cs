using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Layers;
using Backprop.Losses;
using Backprop.Tensors;

namespace Backprop.Model;

/// <summary>
/// A feed-forward network: a sequence of layers and a loss. Forward runs the layers in order;
/// Backward starts from ∂L/∂Y and runs them in reverse, each turning the gradient of its output into
/// the gradient of its input ("rinse and repeat", the fifth step of the first article).
/// </summary>
/// <remarks>
/// <para>Two ways in. <see cref="Predict(Matrix{T})"/>, <see cref="PredictProba(Matrix{T})"/> and
/// <see cref="PredictClasses(T[,])"/> return new results that the caller owns and only read the weights:
/// any number of threads may call them at once on one network, as long as nothing changes the weights
/// meanwhile (no training, no optimizer step, no writes to a parameter).</para>
/// <para><see cref="Forward"/>, <see cref="Backward"/>, <see cref="ComputeGradients"/> and <see cref="Evaluate"/>
/// are the training path: they work in buffers the layers own and reuse, and they leave every
/// intermediate matrix in the layers for traces (<see cref="Layer{T}.Input"/>, <see cref="Layer{T}.Output"/>,
/// the gradients). Call them from one thread at a time per network; a matrix they return stays valid
/// until the next call of any of them on the same network.</para>
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Network<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Matrix<T>? _lossGradient;

    /// <summary>A network of <paramref name="layers"/>, trained against <paramref name="loss"/>.</summary>
    /// <param name="layers">The layers in forward order; at least one dense layer, and each dense layer takes the width the previous one gives.</param>
    /// <param name="loss">The loss its outputs are compared to targets with.</param>
    /// <exception cref="BackpropException">No dense layer, or widths that do not fit.</exception>
    public Network(IReadOnlyList<Layer<T>> layers, Loss<T> loss)
    {
        if (layers.Count == 0) throw new BackpropException("a network needs at least one layer");
        // Activations keep the width, so the first dense layer fixes the inputs (an activation may come before it).
        var first = layers.OfType<Dense<T>>().FirstOrDefault()
            ?? throw new BackpropException("a network needs at least one dense layer");
        Layers = layers;
        Loss = loss;
        Inputs = first.Inputs;
        int width = first.Inputs, k = 0; // k numbers the dense layers from 1, as W¹, W² do
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is not Dense<T> dense) continue;
            k++;
            if (dense.Inputs != width)
                throw new BackpropException($"dense layer {k} (layers[{i}]) takes {dense.Inputs} inputs but dense layer {k - 1} gives {width} outputs");
            width = dense.Outputs;
        }
        Outputs = width;
    }

    /// <summary>The layers in forward order.</summary>
    public IReadOnlyList<Layer<T>> Layers { get; }

    /// <summary>The loss the network is trained against.</summary>
    public Loss<T> Loss { get; }

    /// <summary>Inputs per example (columns of X).</summary>
    public int Inputs { get; }

    /// <summary>Outputs per example (columns of Y).</summary>
    public int Outputs { get; }

    /// <summary>Every trainable matrix, layer by layer (for a dense layer: W, then b).</summary>
    public IEnumerable<Parameter<T>> Parameters => Layers.SelectMany(l => l.Parameters);

    /// <summary>The dense layers in forward order: the articles' W¹, W², ….</summary>
    public IEnumerable<Dense<T>> DenseLayers => Layers.OfType<Dense<T>>();

    /// <summary>The number of trainable values.</summary>
    public long ParameterCount => Parameters.Sum(p => (long)p.Value.Length);

    /// <summary>
    /// Mixed precision: the format every layer output and every backward gradient is rounded to as soon as
    /// it is computed (the arithmetic stays in T). Float32 (the default) rounds nothing.
    /// </summary>
    public StorageFormat Storage { get; set; } = StorageFormat.Float32;

    /// <summary>Loss scaling: ∂L/∂Y is multiplied by this before the backward pass, so every gradient comes out scaled by it.</summary>
    public double GradientScale { get; set; } = 1;

    /// <summary>The outputs Y of the last <see cref="Forward"/>: the last layer's buffer, valid until the next Forward.</summary>
    public Matrix<T>? Output => Layers[^1].Output;

    /// <summary>∂L/∂Y from the last <see cref="ComputeGradients"/>.</summary>
    public Matrix<T>? LossGradient => _lossGradient;

    /// <summary>
    /// When true (the default), a dense layer and the activation after it run as one fused step (see
    /// docs/performance.md). Every layer's Input, Output, gradients and σ' hold the same numbers either way.
    /// </summary>
    public bool Fuse { get; set; } = true;

    /// <summary>
    /// The forward pass of the training path: Y for the batch <paramref name="x"/>, with every layer keeping
    /// what it saw and produced.
    /// </summary>
    /// <returns>
    /// The last layer's output buffer (the same object as <see cref="Output"/>), not a copy: the next call of
    /// Forward, <see cref="ComputeGradients"/> or <see cref="Evaluate"/> on this network overwrites it, and may
    /// reshape it. Copy it (<see cref="Matrix{T}.Clone"/>) to keep it, or use <see cref="Predict(Matrix{T})"/>.
    /// Not thread-safe: one caller at a time per network.
    /// </returns>
    /// <param name="x">One example per row, <see cref="Inputs"/> columns. The network keeps a reference to it until the next call.</param>
    /// <exception cref="BackpropException"><paramref name="x"/> does not have <see cref="Inputs"/> columns.</exception>
    public Matrix<T> Forward(Matrix<T> x)
    {
        if (x.Cols != Inputs) throw new BackpropException($"the network takes {Inputs} inputs per row but the data has {x.Cols} columns");
        bool fuse = Fuse && Storage == StorageFormat.Float32; // 16-bit storage rounds Z before σ, so keep the steps apart
        for (int i = 0; i < Layers.Count; i++)
        {
            if (fuse && Layers[i] is Dense<T> dense && i + 1 < Layers.Count && Layers[i + 1] is Activation<T> activation)
            {
                x = activation.ForwardFused(dense, x);
                i++;
            }
            else x = Layers[i].Forward(x);
            StorageFormats.Round(Storage, x.Span);
        }
        return x;
    }

    /// <summary>Runs the layers in reverse from ∂L/∂Y; returns ∂L/∂X when asked for.</summary>
    /// <param name="lossGradient">∂L/∂Y for the batch of the last <see cref="Forward"/>.</param>
    /// <param name="needInputGradient">Whether to compute ∂L/∂X (the first layer's input gradient).</param>
    /// <returns>∂L/∂X in the first layer's buffer (valid until the next Backward), or null when not asked for.</returns>
    public Matrix<T>? Backward(Matrix<T> lossGradient, bool needInputGradient = false) => BackwardAndDescend(lossGradient, needInputGradient, null);

    /// <summary>
    /// Backward, and with <paramref name="descend"/> = −η a plain SGD step on every parameter as soon as its
    /// gradient is complete (see <see cref="CanDescendInBackward"/>). The gradients are kept all the same.
    /// </summary>
    internal Matrix<T>? BackwardAndDescend(Matrix<T> lossGradient, bool needInputGradient, T? descend)
    {
        Matrix<T>? gradient = lossGradient;
        for (int i = Layers.Count - 1; i >= 0; i--)
        {
            if (Fuse && Storage == StorageFormat.Float32 && i > 0 && Layers[i] is Activation<T> activation && Layers[i - 1] is Dense<T> dense)
            {
                i--;
                gradient = activation.BackwardFused(dense, gradient!, needInputGradient || i > 0, descend);
                continue;
            }
            if (descend is { } minusRate && Layers[i] is Dense<T> plain)
            {
                gradient = plain.Backward(gradient!, needInputGradient || i > 0, minusRate);
                continue;
            }
            gradient = Layers[i].Backward(gradient!, needInputGradient || i > 0);
            if (Storage == StorageFormat.Float32) continue;
            if (gradient is not null) StorageFormats.Round(Storage, gradient.Span);
            foreach (var p in Layers[i].Parameters) StorageFormats.Round(Storage, p.Gradient.Span);
        }
        return gradient;
    }

    /// <summary>Forward, loss and backward for one batch. Afterwards every parameter holds ∂L/∂parameter.</summary>
    /// <param name="x">One example per row.</param>
    /// <param name="targets">The targets, shaped as the loss expects (<see cref="Losses.Loss{T}"/>).</param>
    /// <param name="needInputGradient">Whether to compute ∂L/∂X too (the first layer's <see cref="Layer{T}.InputGradient"/>).</param>
    /// <returns>The loss L of the batch.</returns>
    public double ComputeGradients(Matrix<T> x, Matrix<T> targets, bool needInputGradient = false) =>
        ComputeGradientsAndDescend(x, targets, needInputGradient, null);

    /// <summary>
    /// ComputeGradients, and with <paramref name="descend"/> = −η (<see cref="CanDescendInBackward"/> must hold)
    /// a plain SGD step taken inside the backward pass, while each dW is in cache: the same weights as
    /// ComputeGradients followed by <c>Sgd.Step</c>. When the loss is not finite no step is taken.
    /// </summary>
    internal double ComputeGradientsAndDescend(Matrix<T> x, Matrix<T> targets, bool needInputGradient, T? descend)
    {
        var y = Forward(x);
        double loss = Loss.Compute(y, targets, Matrix<T>.Reuse(ref _lossGradient, y.Rows, y.Cols));
        if (GradientScale != 1) TensorPrimitives.Multiply(_lossGradient!.Span, T.CreateChecked(GradientScale), _lossGradient.Span);
        StorageFormats.Round(Storage, _lossGradient!.Span);
        BackwardAndDescend(_lossGradient!, needInputGradient, double.IsFinite(loss) ? descend : null);
        return loss;
    }

    /// <summary>
    /// Whether a plain SGD step can be taken inside the backward pass: the gradients are the float32 ones the
    /// optimizer would read (no loss scale to undo, no 16-bit rounding after the pass), and every parameter
    /// belongs to a dense layer.
    /// </summary>
    internal bool CanDescendInBackward
    {
        get
        {
            if (Storage != StorageFormat.Float32 || GradientScale != 1) return false;
            for (int i = 0; i < Layers.Count; i++) // an index, not foreach: no enumerator to allocate at every step
                if (Layers[i] is not Dense<T> && Layers[i].Parameters.Count > 0) return false;
            return true;
        }
    }

    /// <summary>The loss of a batch without touching gradients (a <see cref="Forward"/>: not thread-safe).</summary>
    /// <param name="x">One example per row.</param>
    /// <param name="targets">The targets, shaped as the loss expects.</param>
    public double Evaluate(Matrix<T> x, Matrix<T> targets)
    {
        var y = Forward(x);
        return Loss.Compute(y, targets, Matrix<T>.Reuse(ref _lossGradient, y.Rows, y.Cols));
    }

    /// <summary>
    /// The outputs Y for <paramref name="x"/> in a new matrix that the caller owns. Only reads the weights:
    /// safe to call from many threads at once on one network while nothing trains it. Gives the same numbers
    /// as <see cref="Forward"/>, and leaves the layers' buffers (and so any trace) untouched.
    /// </summary>
    /// <param name="x">One example per row, <see cref="Inputs"/> columns.</param>
    /// <exception cref="BackpropException"><paramref name="x"/> does not have <see cref="Inputs"/> columns.</exception>
    public Matrix<T> Predict(Matrix<T> x)
    {
        if (x.Cols != Inputs) throw new BackpropException($"the network takes {Inputs} inputs per row but the data has {x.Cols} columns");
        // Every intermediate belongs to this call alone (new, or rented from the shared pool and given back once
        // the next layer has read it), so concurrent calls share nothing but the weights.
        bool fuse = Fuse && Storage == StorageFormat.Float32; // as Forward: 16-bit storage rounds Z before σ
        var y = x;
        T[]? rented = null;
        for (int i = 0; i < Layers.Count; i++)
        {
            Matrix<T> next;
            T[]? nextRented = null;
            if (fuse && Layers[i] is Dense<T> dense && i + 1 < Layers.Count && Layers[i + 1] is Activation<T> activation)
            {
                // One product writes H = σ(X·W + b) and keeps no Z: the pair's only pass over its output.
                i++;
                if (i + 1 < Layers.Count)
                {
                    nextRented = ArrayPool<T>.Shared.Rent(y.Rows * dense.Outputs);
                    next = new Matrix<T>(1, nextRented.Length, nextRented).Reshape(y.Rows, dense.Outputs);
                }
                else next = new Matrix<T>(y.Rows, dense.Outputs, GC.AllocateUninitializedArray<T>(y.Rows * dense.Outputs)); // all written
                activation.InferFused(dense, y, next);
            }
            else next = Layers[i].Infer(y);
            StorageFormats.Round(Storage, next.Span);
            if (rented is not null) ArrayPool<T>.Shared.Return(rented);
            (y, rented) = (next, nextRented);
        }
        return ReferenceEquals(y, x) ? x.Clone() : y; // the last layer's output is never rented
    }

    /// <inheritdoc cref="Predict(Matrix{T})"/>
    /// <returns>A new B×<see cref="Outputs"/> array.</returns>
    public T[,] Predict(T[,] x) => Predict(Matrix<T>.From(x)).ToArray2D();

    /// <summary>
    /// A snapshot of this network for inference: a copy of its weights, each W packed once for the matrix product,
    /// so that its predictions skip the packing that <see cref="Predict(Matrix{T})"/> redoes on every call (it cannot
    /// keep packed weights, since training and edits change W). Later changes to this network do not reach it.
    /// </summary>
    public FrozenNetwork<T> Freeze() => new(this);

    /// <summary>
    /// Class probabilities for <paramref name="x"/> in a new matrix that the caller owns: the softmax of each
    /// row of outputs for <c>cross_entropy</c>, the sigmoid of each output for <c>bce_with_logits</c> (for one
    /// output, the probability of class 1). Thread-safe as <see cref="Predict(Matrix{T})"/>.
    /// </summary>
    /// <param name="x">One example per row, <see cref="Inputs"/> columns.</param>
    /// <exception cref="InvalidOperationException">The loss is not a classification loss, so the outputs are not logits.</exception>
    public Matrix<T> PredictProba(Matrix<T> x)
    {
        bool softmax = Loss.Name == "cross_entropy";
        if (!softmax && Loss.Name != "bce_with_logits")
            throw new InvalidOperationException($"probabilities need a classification loss (cross_entropy or bce_with_logits); the outputs of a network trained with {Loss.Name} are not logits");
        var y = Predict(x);
        for (int r = 0; r < y.Rows; r++)
        {
            if (softmax) TensorPrimitives.SoftMax(y.Row(r), y.Row(r));
            else TensorPrimitives.Sigmoid(y.Row(r), y.Row(r));
        }
        return y;
    }

    /// <inheritdoc cref="PredictProba(Matrix{T})"/>
    /// <returns>A new B×<see cref="Outputs"/> array.</returns>
    public T[,] PredictProba(T[,] x) => PredictProba(Matrix<T>.From(x)).ToArray2D();

    /// <summary>
    /// The predicted class of each row of <paramref name="x"/>: the largest output, or for one output the
    /// side of the threshold it falls on (0 for a logit, 0.5 otherwise). Thread-safe as <see cref="Predict(Matrix{T})"/>.
    /// </summary>
    /// <param name="x">One example per row, <see cref="Inputs"/> columns.</param>
    /// <returns>A new array of one class index per row.</returns>
    public int[] PredictClasses(T[,] x)
    {
        var y = Predict(Matrix<T>.From(x));
        var classes = new int[y.Rows];
        for (int r = 0; r < y.Rows; r++) classes[r] = ClassOf(y, r, Loss.Name);
        return classes;
    }

    /// <summary>The class of row r: the largest output, or for one output, which side of the threshold it is on.</summary>
    internal static int ClassOf(Matrix<T> y, int r, string loss)
    {
        var row = y.Row(r);
        if (row.Length == 1)
        {
            // A logit for bce_with_logits, otherwise a value fitted to 0 or 1.
            T threshold = loss == "bce_with_logits" ? T.Zero : T.CreateChecked(0.5);
            return row[0] > threshold ? 1 : 0;
        }
        int best = 0;
        for (int k = 1; k < row.Length; k++) if (row[k] > row[best]) best = k;
        return best;
    }

    /// <summary>The layers and loss in one line, such as <c>dense 2×3 → sigmoid → dense 3×1 ⇒ half_sse</c>.</summary>
    public override string ToString() =>
        $"{string.Join(" → ", Layers.Select(l => l is Dense<T> d ? $"dense {d.Inputs}×{d.Outputs}" : l.Type))} ⇒ {Loss.Name}";
}
