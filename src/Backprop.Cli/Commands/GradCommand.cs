using System.CommandLine;
using System.Numerics;
using System.Text.Json;
using Backprop.IO;
using Backprop.Layers;
using Backprop.Tensors;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop grad</c>: one forward and backward pass, every gradient printed as JSON
/// (the contract in docs/network-format.md, checked against PyTorch by scripts outside the repo).
/// </summary>
internal static class GradCommand
{
    public static Command Create()
    {
        var network = new Option<string?>("--network") { Description = Inputs.NetworkDescription };
        var loss = Inputs.LossOverride();
        var inputs = new Option<string?>("--inputs") { Description = "CSV of inputs X, one example per row" };
        var targets = new Option<string?>("--targets") { Description = "CSV of targets T (class indices or rows like the outputs)" };
        var example = new Option<string?>("--example") { Description = $"a built-in network and batch of the articles instead of files: {string.Join(", ", Explain.Examples.AllNames)}" };
        var precision = new Option<string>("--precision") { Description = "f32 or f64", DefaultValueFactory = _ => "f64" };
        var command = new Command("grad", "Print the loss, outputs and every gradient of one batch as JSON.") { network, inputs, targets, example, precision, loss };
        command.SetAction(r =>
        {
            var (spec, x, t) = Inputs.ReadProblem(r.GetValue(network), r.GetValue(inputs), r.GetValue(targets), r.GetValue(example), loss: r.GetValue(loss));
            string source = r.GetValue(inputs) ?? $"example {r.GetValue(example)}";
            string json = Inputs.IsDouble(r.GetValue(precision)!) ? Run<double>(spec, x!, t!, source) : Run<float>(spec, x!, t!, source);
            Console.Out.WriteLine(json);
            return 0;
        });
        return command;
    }

    private static string Run<T>(Model.NetworkSpec spec, double[][] inputs, double[][] targets, string source) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var net = spec.Build<T>();
        var (x, t) = (Matrix<T>.FromRows(inputs), Matrix<T>.FromRows(targets));
        if (x.Cols != net.Inputs) throw new BackpropException($"{source} has {x.Cols} columns but the network takes {net.Inputs} inputs");
        double loss = net.ComputeGradients(x, t, needInputGradient: true);
        if (!double.IsFinite(loss)) throw new BackpropException($"the loss is {loss}: the network overflows {typeof(T).Name} on this input");

        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("loss", loss);
            w.WritePropertyName("outputs");
            WriteMatrix(w, net.Output!, "an output");
            w.WriteStartArray("layers");
            for (int i = 0, k = 0; i < net.Layers.Count; i++)
            {
                var layer = net.Layers[i];
                w.WriteStartObject();
                w.WriteNumber("index", i);
                w.WriteString("type", layer.Type);
                if (layer is Dense<T> dense)
                {
                    w.WriteNumber("layer", ++k); // dense layers from 1, as W¹, W² and every message count them
                    w.WritePropertyName("weights_grad");
                    WriteMatrix(w, dense.Weights.Gradient, "a gradient");
                    w.WritePropertyName("bias_grad");
                    WriteRow(w, dense.Bias.Gradient.Row(0), "a gradient");
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WritePropertyName("inputs_grad");
            WriteMatrix(w, net.Layers[0].InputGradient!, "a gradient");
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteMatrix<T>(Utf8JsonWriter w, Matrix<T> m, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        w.WriteStartArray();
        for (int i = 0; i < m.Rows; i++) WriteRow(w, m.Row(i), what);
        w.WriteEndArray();
    }

    private static void WriteRow<T>(Utf8JsonWriter w, ReadOnlySpan<T> row, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        w.WriteStartArray();
        foreach (var v in row)
        {
            double d = double.CreateChecked(v);
            if (!double.IsFinite(d)) throw new BackpropException($"{what} is {d}: the network overflows {typeof(T).Name} on this input");
            w.WriteNumberValue(d);
        }
        w.WriteEndArray();
    }
}
