using System.Numerics;
using Backprop.Layers;

namespace Backprop.Training;

/// <summary>Turns gradients into weight updates. State (momentum, moments) is kept per parameter.</summary>
/// <param name="learningRate">η, the step size.</param>
public abstract class Optimizer<T>(double learningRate) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>η, the step size.</summary>
    public double LearningRate { get; set; } = learningRate;

    /// <summary>Updates every parameter from its current gradient.</summary>
    /// <param name="parameters">The parameters, in the same order at every step (the state is kept by position).</param>
    public abstract void Step(IReadOnlyList<Parameter<T>> parameters);

    /// <summary>
    /// Writes the state a checkpoint needs to continue bit for bit: the kind, the settings that must match
    /// on restore, and the per-parameter buffers. Optimizers from outside the library cannot be checkpointed.
    /// </summary>
    internal virtual void WriteState(StateWriter writer) =>
        throw new BackpropException($"the {GetType().Name} optimizer cannot be checkpointed");

    /// <summary>Restores what <see cref="WriteState"/> wrote; settings that differ are refused, naming the difference.</summary>
    internal virtual void ReadState(StateReader reader, IReadOnlyList<Parameter<T>> parameters) =>
        throw new BackpropException($"the {GetType().Name} optimizer cannot be checkpointed");

    /// <summary>Refuses a restore into an optimizer that was set up differently from the saved one.</summary>
    internal static void Expect(StateReader reader, string what, double saved, double current)
    {
        if (BitConverter.DoubleToInt64Bits(saved) == BitConverter.DoubleToInt64Bits(current)) return; // the same bits: -0 is not 0 here
        throw new BackpropException($"{reader.Source}: the checkpoint's optimizer has {what} {saved.ToString(System.Globalization.CultureInfo.InvariantCulture)}, this one {current.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    internal static void ExpectKind(StateReader reader, string kind)
    {
        string saved = reader.ReadString();
        if (saved != kind) throw new BackpropException($"{reader.Source}: the checkpoint's optimizer is {saved}, this one is {kind}");
    }

    /// <summary>Per-parameter buffers (velocity, moments): null before the first step, else one array per parameter.</summary>
    internal static void WriteBuffers(StateWriter writer, T[][]? buffers)
    {
        writer.Write(buffers is not null);
        if (buffers is null) return;
        writer.Write(buffers.Length);
        foreach (var b in buffers) writer.WriteArray<T>(b);
    }

    /// <summary>Reads buffers into fresh arrays shaped like <paramref name="shapes"/> (empty where <paramref name="empty"/> says so).</summary>
    internal static T[][]? ReadBuffers(StateReader reader, IReadOnlyList<Parameter<T>> shapes, string what, bool empty = false)
    {
        if (!reader.ReadBool()) return null;
        int count = reader.ReadInt32();
        if (count != shapes.Count) throw reader.Corrupt($"{count} {what} buffers for {shapes.Count} parameters");
        var buffers = new T[count][];
        for (int i = 0; i < count; i++)
        {
            // Allocated as the network's shapes say (never as the file says), then filled if the counts agree.
            buffers[i] = empty ? [] : new Tensors.Matrix<T>(shapes[i].Value.Rows, shapes[i].Value.Cols).Data;
            reader.ReadArrayInto<T>(buffers[i], $"{what} {i}");
        }
        return buffers;
    }

    /// <summary>The optimizer names: sgd, momentum, adam.</summary>
    public static readonly string[] Names = ["sgd", "momentum", "adam"];

    /// <summary>An optimizer of that kind.</summary>
    /// <param name="kind">Which optimizer.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ for SGD (0: none); <see cref="OptimizerKind.Momentum"/> takes 0.9 when this is 0.</param>
    /// <param name="weightDecay">λ, the L2 weight decay added to the gradient.</param>
    public static Optimizer<T> Create(OptimizerKind kind, double learningRate, double momentum = 0, double weightDecay = 0) =>
        Create(kind.Name(), learningRate, momentum, weightDecay);

    /// <summary>sgd (plain, or with a momentum), momentum (SGD with 0.9), adam.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ for SGD (0: none); momentum takes 0.9 when this is 0.</param>
    /// <param name="weightDecay">λ, the L2 weight decay added to the gradient.</param>
    /// <exception cref="BackpropException">An unknown name.</exception>
    public static Optimizer<T> Create(string name, double learningRate, double momentum = 0, double weightDecay = 0) => name switch
    {
        "sgd" => new Sgd<T>(learningRate, momentum, weightDecay),
        "momentum" => new Sgd<T>(learningRate, momentum == 0 ? 0.9 : momentum, weightDecay),
        "adam" => new Adam<T>(learningRate, weightDecay: weightDecay),
        _ => throw new BackpropException($"unknown optimizer '{name}' (expected one of: {string.Join(", ", Names)})"),
    };
}
