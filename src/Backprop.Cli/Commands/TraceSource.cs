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
    private readonly Option<string?> _network = new("--network") { Description = "network JSON (backprop.network/1)" };
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
    }

    public Trace Record(ParseResult r)
    {
        string? name = r.GetValue(_example), network = r.GetValue(_network), inputs = r.GetValue(_inputs), targets = r.GetValue(_targets);
        bool f64 = Inputs.IsDouble(r.GetValue(_precision)!);
        if (name is not null)
        {
            if (network is not null || inputs is not null || targets is not null)
                throw new BackpropException("give either --example or --network/--inputs/--targets, not both");
            var e = Examples.Load(name);
            return f64 ? Record<double>(e.Network, Matrix<double>.FromRows(e.X), Matrix<double>.FromRows(e.T))
                : Record<float>(e.Network, Matrix<float>.FromRows(e.X), Matrix<float>.FromRows(e.T));
        }
        if (network is null || inputs is null || targets is null)
            throw new BackpropException("give --network, --inputs and --targets (or --example NAME)");
        var spec = NetworkJson.Load(network);
        if (f64)
        {
            var (x, t) = Inputs.ReadBatch<double>(inputs, targets);
            return Record(spec, x, t);
        }
        var (xf, tf) = Inputs.ReadBatch<float>(inputs, targets);
        return Record(spec, xf, tf);
    }

    private static Trace Record<T>(Model.NetworkSpec spec, Matrix<T> x, Matrix<T> t) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Trace.Record(spec.Build<T>(), x, t);
}
