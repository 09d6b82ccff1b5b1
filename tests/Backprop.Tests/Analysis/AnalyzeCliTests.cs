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

    /// <summary>Log axes label powers of ten in one style (10⁻³, 2·10⁻¹), never 1e-3, 0.032 or 3.2E-05.</summary>
    [Fact]
    public void Log_axis_ticks_are_powers_of_ten_in_one_style()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run(["analyze", "gradients", "--depth", "6", "--width", "8", "--epochs", "1", "--out", dir["flow.svg"]]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var labels = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(dir["flow.svg"]), @"<text[^>]*>([^<]*)</text>")
            .Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value).Trim()).ToArray();
        var powers = labels.Where(l => l.Contains("10⁻") || l.Contains("10⁰") || l.Contains("10¹")).ToArray();
        Assert.True(powers.Length >= 4, string.Join(" | ", labels));
        Assert.All(powers, l => Assert.Matches(@"^([2-9]·)?10⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+$", l));
        Assert.DoesNotContain(labels, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^-?[0-9.]+[eE][-+]?[0-9]+$"));
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

    /// <summary>
    /// The default case of <c>analyze loss-scaling</c> (12 sigmoid layers, Adam): float32 Adam learns from
    /// gradients far below float16's range; float16 without scaling flushes them to zero and stays at the
    /// constant predictor; with the dynamic scaler float16 learns like float32.
    /// </summary>
    [Fact]
    public void Loss_scaling_default_case_unscaled_float16_fails_to_learn_where_scaled_tracks_float32()
    {
        var result = CliRunner.Run(["analyze", "loss-scaling", "--json"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(3, runs.Length);
        double[] Losses(int i) => [.. runs[i].GetProperty("losses").EnumerateArray().Select(v => v.GetDouble())];
        double Zeros(int i) => runs[i].GetProperty("zero_weight_gradients").GetDouble();
        var (fp32, unscaled, scaled) = (Losses(0), Losses(1), Losses(2));

        Assert.True(fp32[^1] < 0.7 * fp32[0], $"fp32 should learn: {fp32[0]} → {fp32[^1]}");
        Assert.True(unscaled[^1] > scaled[^1] + 0.3, $"unscaled fp16 {unscaled[^1]} should be clearly worse than scaled {scaled[^1]}");
        Assert.True(Math.Abs(scaled[^1] - fp32[^1]) < 0.1, $"scaled fp16 {scaled[^1]} should be close to fp32 {fp32[^1]}");
        Assert.True(Zeros(0) < 0.01, $"fp32 zero gradients {Zeros(0)}");
        Assert.True(Zeros(1) > Zeros(2), $"unscaled fp16 should get more zero gradients ({Zeros(1)}) than scaled ({Zeros(2)})");
        // The left panel's point on the same network: without scaling the lowest layer's ∂L/∂W is lost, with it kept.
        var first = json.RootElement.GetProperty("layers")[0];
        Assert.True(first.GetProperty("weight_gradient_unscaled").GetDouble() > 0.9);
        Assert.True(first.GetProperty("weight_gradient_scaled").GetDouble() < 0.01);
    }

    public static TheoryData<string[]> Tables => new()
    {
        { ["analyze", "gradients", "--epochs", "7"] },
        { ["analyze", "gradients", "--compare", "--depths", "2,5,10,15,20", "--width", "8"] },
        { ["analyze", "init", "--depth", "3", "--width", "64", "--epochs", "2"] },
        { ["analyze", "memory", "--layers", "2-256-128-2", "--batch", "512", "--optimizer", "adam"] },
        { ["analyze", "loss-scaling", "--depth", "12", "--epochs", "1"] },
    };

    /// <summary>
    /// Tables fit an 80-column terminal: every row is at most 80 wide, with no cell wrapped onto a
    /// continuation line (blank first cell) or cut (…). Redirected output is not wrapped, so this is the content's width.
    /// </summary>
    [Theory]
    [MemberData(nameof(Tables))]
    public void Tables_fit_80_columns_without_wrapped_or_cut_cells(string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = result.Stdout.Split('\n').Select(l => l.TrimEnd()).Where(l => l.StartsWith('│')).ToArray();
        Assert.NotEmpty(rows);
        Assert.All(rows, row =>
        {
            Assert.True(row.Length <= 80, row);
            Assert.DoesNotContain('…', row);
            Assert.False(string.IsNullOrWhiteSpace(row.Split('│')[1]), $"wrapped row: {row}");
        });
    }
}
