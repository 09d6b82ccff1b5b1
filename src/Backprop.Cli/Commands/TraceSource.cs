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
    private readonly Option<string?> _example = new("--example") { Description = $"a built-in network of the articles instead of files: {string.Join(", ", Examples.Names)}" };
    private readonly Option<string> _precision = new("--precision") { Description = "f32 or f64", DefaultValueFactory = _ => "f64" };

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

    private static Trace Record<T>(Model.NetworkSpec spec, double[][] x, double[][] t) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Trace.Record(spec.Build<T>(), Matrix<T>.FromRows(x), Matrix<T>.FromRows(t));
}
