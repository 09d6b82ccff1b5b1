using System.CommandLine;
using Backprop.Explain;
using Backprop.IO;
using Backprop.Tensors;

namespace Backprop.Cli.Commands;

/// <summary>
/// What explain, diagram and report read: a network with a batch (files, or a built-in example of the
/// articles), run once forward and backward to record a <see cref="Trace"/>.
/// </summary>
internal sealed class TraceSource
{
    private readonly Option<string?> _network = new("--network") { Description = Inputs.NetworkDescription };
    private readonly Option<string?> _loss = Inputs.LossOverride();
    private readonly Option<string?> _inputs = new("--inputs") { Description = "CSV of inputs X, one example per row" };
    private readonly Option<string?> _targets = new("--targets") { Description = "CSV of targets T" };
    private readonly Option<string?> _example = new("--example") { Description = $"a built-in network of the articles instead of files: {string.Join(", ", Examples.AllNames)}" };
    private readonly Option<string> _precision = new("--precision") { Description = "f32 or f64", DefaultValueFactory = _ => "f64" };

    /// <summary>--lr and --steps of explain and report: the update after the gradients.</summary>
    public readonly Option<double> LearningRate = new("--lr") { Description = "η of the update W ← W − η·∂E/∂W shown after the gradients", DefaultValueFactory = _ => 0.1 };
    /// <summary>--steps of explain and report: how many updates before the last forward pass is shown.</summary>
    public readonly Option<int> Steps = new("--steps") { Description = "update steps before the last forward pass is shown", DefaultValueFactory = _ => 1 };

    public void AddTo(Command command)
    {
        command.Options.Add(_network);
        command.Options.Add(_inputs);
        command.Options.Add(_targets);
        command.Options.Add(_example);
        command.Options.Add(_precision);
        command.Options.Add(_loss);
    }

    public Trace Record(ParseResult r)
    {
        bool f64 = Inputs.IsDouble(r.GetValue(_precision)!);
        var (spec, x, t) = Inputs.ReadProblem(r.GetValue(_network), r.GetValue(_inputs), r.GetValue(_targets), r.GetValue(_example), loss: r.GetValue(_loss));
        return f64 ? Record<double>(spec, x!, t!) : Record<float>(spec, x!, t!);
    }

    /// <summary>Pass 1, then <paramref name="steps"/> updates W ← W − η·∂E/∂W with η = <paramref name="learningRate"/> and the pass after each.</summary>
    public Descent Descend(ParseResult r, double learningRate, int steps)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate)) throw new BackpropException($"--lr {learningRate}: the learning rate must be a positive number");
        if (steps < 1) throw new BackpropException($"--steps {steps}: give at least 1 update step");
        bool f64 = Inputs.IsDouble(r.GetValue(_precision)!);
        var (spec, x, t) = Inputs.ReadProblem(r.GetValue(_network), r.GetValue(_inputs), r.GetValue(_targets), r.GetValue(_example), loss: r.GetValue(_loss));
        return f64 ? Descend<double>(spec, x!, t!, learningRate, steps) : Descend<float>(spec, x!, t!, learningRate, steps);
    }

    private static Descent Descend<T>(Model.NetworkSpec spec, double[][] x, double[][] t, double learningRate, int steps) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Descent.Record(spec.Build<T>(), Matrix<T>.FromRows(x), Matrix<T>.FromRows(t), learningRate, steps);

    private static Trace Record<T>(Model.NetworkSpec spec, double[][] x, double[][] t) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Trace.Record(spec.Build<T>(), Matrix<T>.FromRows(x), Matrix<T>.FromRows(t));
}
