using System.Text.Json;
using Backprop.Tests.Cli;

namespace Backprop.Tests.Analysis;

/// <summary>The analyze verbs end to end: pictures written in the format asked for, numbers in JSON, one-line errors.</summary>
public class AnalyzeCliTests
{
    private static readonly byte[] PngMagic = [0x89, (byte)'P', (byte)'N', (byte)'G'];

    public static TheoryData<string, string[]> Verbs => new()
    {
        { "gradients.svg", ["analyze", "gradients", "--depth", "4", "--width", "8", "--epochs", "1"] },
        { "gradients.png", ["analyze", "gradients", "--depth", "4", "--width", "8", "--epochs", "1"] },
        { "sweep.png", ["analyze", "gradients", "--compare", "--depths", "2,3", "--width", "8"] },
        { "init.svg", ["analyze", "init", "--depth", "3", "--width", "16", "--epochs", "1"] },
        { "memory.png", ["analyze", "memory", "--batch", "16"] },
        { "loss.png", ["analyze", "loss-scaling", "--depth", "3", "--width", "8", "--epochs", "1"] },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Writes_a_non_empty_picture_in_the_requested_format(string file, string[] args)
    {
        using var dir = new TempDir();
        var result = CliRunner.Run([.. args, "--out", dir[file]]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var bytes = File.ReadAllBytes(dir[file]);
        Assert.True(bytes.Length > 1000, $"{file}: {bytes.Length} bytes");
        if (file.EndsWith(".png", StringComparison.Ordinal)) Assert.Equal(PngMagic, bytes[..4]);
        else
        {
            string svg = System.Text.Encoding.UTF8.GetString(bytes);
            Assert.StartsWith("<svg", svg);
            Assert.EndsWith("</svg>\n", svg);
            Assert.Contains("<text", svg);
        }
    }

    [Fact]
    public void Unknown_picture_format_is_one_clear_error_and_nothing_is_written()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run(["analyze", "gradients", "--epochs", "0", "--out", dir["flow.jpg"]]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(".svg or .png", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Memory_json_shows_the_library_accounting_equal_to_the_prediction()
    {
        var result = CliRunner.Run(["analyze", "memory", "--layers", "2-64-64-2", "--batch", "512", "--optimizer", "adam", "--json"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        long predicted = json.RootElement.GetProperty("predicted_measurable").GetInt64();
        Assert.Equal(predicted, json.RootElement.GetProperty("measured").GetProperty("library_bytes").GetInt64());
        Assert.Equal(predicted, json.RootElement.GetProperty("predicted").GetProperty("total").GetInt64());
    }

    [Fact]
    public void Train_in_float16_with_dynamic_loss_scaling_reports_the_scaler()
    {
        var result = CliRunner.Run(["train", "--data", "blobs", "--precision", "fp16", "--epochs", "3", "--json"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout.Trim().Split('\n')[^1]);
        Assert.True(json.RootElement.GetProperty("loss_scale").GetDouble() > 0);
        Assert.True(json.RootElement.GetProperty("test_accuracy").GetDouble() > 0.8);
        var bad = CliRunner.Run(["train", "--precision", "f32", "--loss-scale", "dynamic", "--epochs", "1"]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--loss-scale", bad.Stderr);
    }
}
