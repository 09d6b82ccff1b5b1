using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.IO;
using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Tests.Api;

/// <summary>The getting-started sample of docs/library.md runs and does what it prints.</summary>
public partial class SampleTests
{
    [Fact]
    public async Task GettingStarted_Trains_Predicts_SavesLoads_AndPrintsTheTrueGradient()
    {
        string dir = Directory.CreateTempSubdirectory("backprop-sample-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GettingStarted.dll"));
            start.ArgumentList.Add(dir);
            using var process = Process.Start(start)!;
            var stderrTask = process.StandardError.ReadToEndAsync();
            string stdout = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            string stderr = await stderrTask;
            Assert.True(process.ExitCode == 0, stderr);
            Assert.Equal("", stderr);

            Assert.Contains("network: dense 2×16 → tanh → dense 16×2 ⇒ cross_entropy", stdout);
            double accuracy = Number(stdout, @"^accuracy: (\S+)$");
            Assert.True(accuracy >= 0.95, stdout);
            Assert.True(Number(stdout, @"P\(inside\) at \(0, 0\): (\S+);") > 0.9, stdout);
            Assert.Contains("the loaded network predicts the same: True", stdout);
            string saved = Path.Combine(dir, "circle.json");
            Assert.True(File.Exists(saved));

            // The printed gradient against float64 central differences of the saved network's loss.
            var net = Network<double>.Load(saved);
            var x = Matrix<double>.From(new double[,] { { 0.55f, 0.1f }, { 0.5f, 0.4f } });
            var t = Matrix<double>.From(new double[,] { { 1 }, { 0 } });
            var w = net.DenseLayers.First().Weights.Value;
            double w00 = w[0, 0], h = 1e-5;
            w[0, 0] = w00 + h;
            double up = net.Evaluate(x, t);
            w[0, 0] = w00 - h;
            double down = net.Evaluate(x, t);
            w[0, 0] = w00;
            double numeric = (up - down) / (2 * h);
            double printed = Number(stdout, @"dE/dW1\[0,0\] = (\S+)$");
            Assert.True(Math.Abs(printed - numeric) <= 1e-6 + 1e-3 * Math.Abs(numeric), $"printed {printed}, finite differences {numeric}");
            Assert.Equal(net.Evaluate(x, t), Number(stdout, @"^loss of the batch: (\S+)$"), 5e-6);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static double Number(string text, string pattern)
    {
        var match = Regex.Match(text, pattern, RegexOptions.Multiline);
        Assert.True(match.Success, $"no line matches {pattern} in:\n{text}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
