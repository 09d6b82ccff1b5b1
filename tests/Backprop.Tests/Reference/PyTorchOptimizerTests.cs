using System.Diagnostics;
using System.Numerics;
using System.Text.Json;
using Backprop.Layers;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Tests.Reference;

/// <summary>
/// SGD (momentum, weight decay) and Adam (bias correction, weight decay) over several steps against
/// torch.optim.SGD and torch.optim.Adam (torch_optim.py), fed the same parameters and gradients.
/// The first Adam step alone cannot catch a wrong bias correction: there m̂ = g and v̂ = g² whatever it is.
/// </summary>
public class PyTorchOptimizerTests
{
    private const int Steps = 7;

    [Theory]
    [InlineData("sgd", 0.1, 0.9, 0.01, 0.9, 0.999, 1e-8)]
    [InlineData("sgd", 0.05, 0.0, 0.1, 0.9, 0.999, 1e-8)]
    [InlineData("sgd", 0.2, 0.5, 0.0, 0.9, 0.999, 1e-8)]
    [InlineData("adam", 0.01, 0.0, 0.0, 0.9, 0.999, 1e-8)]
    [InlineData("adam", 0.01, 0.0, 0.01, 0.9, 0.999, 1e-8)]
    [InlineData("adam", 0.003, 0.0, 0.1, 0.8, 0.95, 1e-3)]
    public void SeveralSteps_MatchTorchOptim(string name, double lr, double momentum, double weightDecay, double beta1, double beta2, double eps)
    {
        Check<double>(name, lr, momentum, weightDecay, beta1, beta2, eps, "float64", 1e-12);
        Check<float>(name, lr, momentum, weightDecay, beta1, beta2, eps, "float32", 2e-6);
    }

    private static void Check<T>(string name, double lr, double momentum, double weightDecay, double beta1, double beta2, double eps, string dtype, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // A weight matrix and a bias row; gradients change sign and grow from step to step, one entry stays 0.
        double[][][] initial =
        [
            [.. Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 4).Select(j => Math.Cos(3 * i + j + 0.5)).ToArray())],
            [[0.3, -0.2, 0.0, 1.5]],
        ];
        double[][][][] grads = [.. Enumerable.Range(0, Steps).Select(s => initial.Select((p, pi) => p.Select((row, i) => row.Select((_, j) =>
            pi == 1 && j == 2 ? 0.0 : (1 + 0.5 * s) * Math.Sin(1.7 * (i * row.Length + j) + 0.9 * s + pi)).ToArray()).ToArray()).ToArray())];

        var parameters = initial.Select((p, i) => new Parameter<T>($"p{i}", FromRows<T>(p))).ToList();
        Optimizer<T> optimizer = name == "adam"
            ? new Adam<T>(lr, beta1, beta2, eps, weightDecay)
            : new Sgd<T>(lr, momentum, weightDecay);

        var reference = RunTorch(new
        {
            optimizer = name,
            dtype,
            lr,
            momentum,
            weight_decay = weightDecay,
            betas = new[] { beta1, beta2 },
            eps,
            @params = initial,
            grads,
        });
        Assert.Equal(Steps, reference.Length);
        for (int s = 0; s < Steps; s++)
        {
            for (int p = 0; p < parameters.Count; p++)
            {
                var g = parameters[p].Gradient;
                for (int i = 0; i < g.Rows; i++)
                    for (int j = 0; j < g.Cols; j++) g[i, j] = T.CreateChecked(grads[s][p][i][j]);
            }
            optimizer.Step(parameters);
            for (int p = 0; p < parameters.Count; p++)
            {
                var w = parameters[p].Value;
                for (int i = 0; i < w.Rows; i++)
                    for (int j = 0; j < w.Cols; j++)
                    {
                        double expected = reference[s][p][i][j], actual = double.CreateChecked(w[i, j]);
                        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Max(1, Math.Abs(expected)),
                            $"{name} {dtype} step {s + 1}: p{p}[{i},{j}] = {actual:R}, torch.optim has {expected:R}");
                    }
            }
        }
    }

    private static Matrix<T> FromRows<T>(double[][] rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = new Matrix<T>(rows.Length, rows[0].Length);
        for (int i = 0; i < m.Rows; i++)
            for (int j = 0; j < m.Cols; j++) m[i, j] = T.CreateChecked(rows[i][j]);
        return m;
    }

    private static double[][][][] RunTorch(object request)
    {
        Assert.True(File.Exists("/usr/bin/python3"), "/usr/bin/python3 is missing: .ci/run installs python3-torch");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Reference", "torch_optim.py"));
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Write(JsonSerializer.Serialize(request));
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"PyTorch reference failed (is python3-torch installed?): {stderr.Result}");
        return JsonSerializer.Deserialize<double[][][][]>(stdout)!;
    }
}
