namespace Backprop.Tests.Cli;

/// <summary>
/// Every user-facing failure exits non-zero with one clear line on stderr that names the problem,
/// never a stack trace, and never damages files that were there before.
/// </summary>
public class BadInputTests
{
    private const string Net = """
        {"format":"backprop.network/1","layers":[
          {"type":"dense","inputs":2,"outputs":3,"init":"xavier"},{"type":"sigmoid"},
          {"type":"dense","inputs":3,"outputs":1,"init":"xavier"}],"loss":"half_sse","seed":1}
        """;

    private static void AssertCleanError(CliRunner.Result run, string expected) => run.AssertOneLineError(expected);

    [Theory]
    [InlineData("missing.csv", "1,2\n", "missing.csv: file not found")]
    [InlineData("x.csv", "1,2\n3\n", "x.csv: line 2: 1 values, expected 2")]
    [InlineData("x.csv", "a,b\n1,2\n3,oops\n", "x.csv: line 3, column 2: 'oops' is not a number")]
    [InlineData("x.csv", "1,2,3\n4,5,6\n", "x.csv has 3 columns but the network takes 2 inputs")]
    [InlineData("x.csv", "1,2\n3,4\n5,6\n", "t.csv has 2 rows but")]
    public void Grad_BadCsv(string inputsName, string inputs, string expected)
    {
        using var dir = new TempDir();
        dir.File("net.json", Net);
        dir.File("x.csv", inputs);
        dir.File("t.csv", "0.5\n1\n");
        AssertCleanError(CliRunner.Run("grad", "--network", dir["net.json"], "--inputs", dir[inputsName], "--targets", dir["t.csv"]), expected);
    }

    [Theory]
    [InlineData("""{"layers":[{"type":"dense","inputs":2,"outputs":1,"init":"he"},{"type":"softsign"}],"loss":"sse"}""", "layers[1]: unknown type 'softsign'")]
    [InlineData("""{"layers":[{"type":"dense","inputs":2,"outputs":1,"init":"he"}],"loss":"huber"}""", "unknown loss 'huber'")]
    [InlineData("""{"layers":[{"type":"dense","inputs":2,"outputs":4,"init":"he"},{"type":"dense","inputs":3,"outputs":1,"init":"he"}],"loss":"sse"}""", "dense layer 2 (layers[1]) takes 3 inputs but dense layer 1 gives 4 outputs")]
    [InlineData("""{"layers":[{"type":"dense","weights":[[1],[2],[3]],"bias":[0]}],"loss":"sse"}""", "has 2 columns but the network takes 3 inputs")]
    [InlineData("""{"layers": [ {"type": "dense" """, "line 1: not valid JSON")]
    public void Grad_BadNetwork(string json, string expected)
    {
        using var dir = new TempDir();
        dir.File("net.json", json);
        dir.File("x.csv", "1,2\n");
        dir.File("t.csv", "1\n");
        AssertCleanError(CliRunner.Run("grad", "--network", dir["net.json"], "--inputs", dir["x.csv"], "--targets", dir["t.csv"]), expected);
    }

    [Theory]
    [InlineData("0.5,oops\n1,2\n", "x.csv: line 1, column 2: 'oops' is not a number")] // a typo, not a header
    [InlineData("a,b\n", "x.csv: no data rows")]
    public void Grad_FirstLineTypos_AreNotMistakenForHeaders(string inputs, string expected)
    {
        using var dir = new TempDir();
        dir.File("net.json", Net);
        dir.File("x.csv", inputs);
        dir.File("t.csv", "0.5\n1\n");
        AssertCleanError(CliRunner.Run("grad", "--network", dir["net.json"], "--inputs", dir["x.csv"], "--targets", dir["t.csv"]), expected);
    }

    [Theory]
    [InlineData("""{"format":1,"layers":[{"type":"dense","inputs":2,"outputs":1,"init":"he"}],"loss":"sse"}""", "format is '1'")]
    [InlineData("""{"layers":[{"type":"dense","weights":[[1e400],[1]],"bias":[0]}],"loss":"sse"}""", "1e400 is too large for a double")]
    [InlineData("""{"layers":[{"type":"dense","inputs":70000,"outputs":70000,"init":"he"}],"loss":"sse"}""", "more than one array can hold")]
    [InlineData("""{"layers":[{"type":"dense","weights":[[1e300],[1e300]],"bias":[0]}],"loss":"sse"}""", "the loss is Infinity: the network overflows Double")]
    [InlineData("""{"layers":[{"type":"relu"},{"type":"tanh"}],"loss":"sse"}""", "a network needs at least one dense layer")]
    public void Grad_NetworksThatCannotBeComputed(string json, string expected)
    {
        using var dir = new TempDir();
        dir.File("net.json", json);
        dir.File("x.csv", "1,2\n");
        dir.File("t.csv", "1\n");
        AssertCleanError(CliRunner.Run("grad", "--network", dir["net.json"], "--inputs", dir["x.csv"], "--targets", dir["t.csv"]), expected);
    }

    [Fact]
    public void Grad_NetworkMayStartWithAnActivation()
    {
        using var dir = new TempDir();
        dir.File("net.json", """{"layers":[{"type":"tanh"},{"type":"dense","weights":[[1],[2]],"bias":[0.5]}],"loss":"half_sse"}""");
        dir.File("x.csv", "0.3,-0.2\n");
        dir.File("t.csv", "1\n");
        var run = CliRunner.Run("grad", "--network", dir["net.json"], "--inputs", dir["x.csv"], "--targets", dir["t.csv"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        double y = Math.Tanh(0.3) + 2 * Math.Tanh(-0.2) + 0.5;
        var doc = System.Text.Json.JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal(y, doc.GetProperty("outputs")[0][0].GetDouble(), 12);
        // ∂E/∂x₁ = (y − t)·w₁·tanh'(x₁): the first layer's input gradient goes through the activation.
        Assert.Equal((y - 1) * 1 * (1 - Math.Pow(Math.Tanh(0.3), 2)), doc.GetProperty("inputs_grad")[0][0].GetDouble(), 12);
    }

    [Fact]
    public void GradAndGradcheck_TakeTheArticlesExamplesBuiltIn()
    {
        var grad = CliRunner.Run("grad", "--example", "article1");
        Assert.True(grad.ExitCode == 0, grad.Stderr);
        var e = Backprop.Explain.Examples.Load("article1");
        var net = e.Network.Build<double>();
        net.ComputeGradients(Backprop.Tensors.Matrix<double>.FromRows(e.X), Backprop.Tensors.Matrix<double>.FromRows(e.T));
        var doc = System.Text.Json.JsonDocument.Parse(grad.Stdout).RootElement;
        Assert.Equal(net.DenseLayers.First().Weights.Gradient[0, 0], doc.GetProperty("layers")[0].GetProperty("weights_grad")[0][0].GetDouble(), 15);

        var check = CliRunner.Run("gradcheck", "--example", "article3");
        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
        AssertCleanError(CliRunner.Run("grad"), "give --network NET.json (or --example NAME)");
        AssertCleanError(CliRunner.Run("grad", "--example", "article1", "--network", "n.json"), "give either --example or --network");
        AssertCleanError(CliRunner.Run("grad", "--example", "article9"), "unknown example 'article9'");
    }

    [Fact]
    public void Grad_WrongTargetCountForCrossEntropy()
    {
        using var dir = new TempDir();
        dir.File("net.json", Net.Replace("\"outputs\":1", "\"outputs\":3").Replace("half_sse", "cross_entropy"));
        dir.File("x.csv", "1,2\n3,4\n");
        dir.File("t.csv", "0,1\n2,1\n");
        AssertCleanError(CliRunner.Run("grad", "--network", dir["net.json"], "--inputs", dir["x.csv"], "--targets", dir["t.csv"]), "cross_entropy needs targets of shape 2×3");
    }

    [Fact]
    public void Train_DivergingRun_FailsAndLeavesTheEarlierModelIntact()
    {
        using var dir = new TempDir();
        string model = dir.File("model.json", "previous good model");
        var run = CliRunner.Run("train", "--data", "blobs", "--loss", "sse", "--optimizer", "sgd", "--lr", "1e6", "--epochs", "3", "--out", model);
        AssertCleanError(run, "diverged");
        Assert.Equal("previous good model", File.ReadAllText(model));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Train_UnwritableOutput_FailsBeforeTraining()
    {
        using var dir = new TempDir();
        AssertCleanError(CliRunner.Run("train", "--data", "xor", "--epochs", "1", "--out", Path.Combine(dir.Path, "no-such-dir", "m.json")), "does not exist");
        AssertCleanError(CliRunner.Run("train", "--data", "xor", "--epochs", "1", "--out", dir.Path), "is a directory");
    }

    [Theory]
    [InlineData(new[] { "--data", "moons" }, "unknown data set 'moons'")]
    [InlineData(new[] { "--data", "xor", "--layers", "3-4-2" }, "the network takes 3 inputs but xor has 2 features")]
    [InlineData(new[] { "--data", "blobs", "--layers", "2-4-2" }, "blobs has 3 classes but the network has 2 outputs")]
    [InlineData(new[] { "--data", "xor", "--layers", "2-x-2" }, "'x' is not a positive size")]
    [InlineData(new[] { "--data", "xor", "--activation", "swish" }, "unknown activation 'swish'")]
    [InlineData(new[] { "--data", "xor", "--optimizer", "rmsprop" }, "unknown optimizer 'rmsprop'")]
    [InlineData(new[] { "--data", "nowhere.csv" }, "nowhere.csv: file not found")]
    [InlineData(new[] { "--data", "circles", "--layers", "2-8-1", "--loss", "cross_entropy" }, "cross_entropy over 1 output is always 0")]
    [InlineData(new[] { "--data", "xor", "--limit", "-5" }, "--limit must be at least 1, got -5")]
    [InlineData(new[] { "--data", "xor", "--batch", "0" }, "--batch must be from 1 to")]                    // refused while parsing, before any work
    [InlineData(new[] { "--data", "xor", "--precision", "f8" }, "unknown --precision 'f8'")]              // the library says "precision"
    [InlineData(new[] { "--data", "xor", "--precision", "fp16", "--loss-scale", "x" }, "--loss-scale 'x'")] // the library says "loss scale"
    public void Train_BadArguments(string[] args, string expected) =>
        AssertCleanError(CliRunner.Run(["train", .. args, "--epochs", "1"]), expected);

    [Fact]
    public void Train_ThenEval_RoundTripsTheModel()
    {
        using var dir = new TempDir();
        var train = CliRunner.Run("train", "--data", "blobs", "--epochs", "20", "--out", dir["m.json"], "--json");
        Assert.True(train.ExitCode == 0, train.Stderr);
        var summary = System.Text.Json.JsonDocument.Parse(train.Stdout.Trim().Split('\n')[^1]).RootElement;
        foreach (var key in new[] { "epochs", "train_seconds", "samples_per_second", "train_loss", "test_loss", "test_accuracy" })
            Assert.True(summary.TryGetProperty(key, out _), $"--json lacks {key}");
        var eval = CliRunner.Run("eval", "--model", dir["m.json"], "--data", "blobs", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        var result = System.Text.Json.JsonDocument.Parse(eval.Stdout).RootElement;
        Assert.Equal(summary.GetProperty("test_accuracy").GetDouble(), result.GetProperty("accuracy").GetDouble(), 9);
        var confusion = result.GetProperty("confusion");
        Assert.Equal(3, confusion.GetArrayLength());
        Assert.Equal(result.GetProperty("examples").GetInt32(), confusion.EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetInt32())));
    }

    [Fact]
    public void Train_FromCsv_WithHeader()
    {
        using var dir = new TempDir();
        var rng = new Random(3);
        var lines = new List<string> { "a,b,label" };
        for (int i = 0; i < 200; i++)
        {
            double a = rng.NextDouble() * 2 - 1, b = rng.NextDouble() * 2 - 1;
            lines.Add($"{a:R},{b:R},{(a + b > 0 ? 1 : 0)}");
        }
        dir.File("data.csv", string.Join("\n", lines));
        var run = CliRunner.Run("train", "--data", dir["data.csv"], "--epochs", "30", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        double accuracy = System.Text.Json.JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]).RootElement.GetProperty("test_accuracy").GetDouble();
        Assert.True(accuracy > 0.9, $"a linearly separable CSV reached only {accuracy:P1}");
    }

    [Fact]
    public void Train_OnATinyCsv_StillSplitsAndReportsJson()
    {
        using var dir = new TempDir();
        dir.File("two.csv", "0,0\n1,1\n");
        var run = CliRunner.Run("train", "--data", dir["two.csv"], "--epochs", "2", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var summary = System.Text.Json.JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.True(double.IsFinite(summary.GetProperty("test_loss").GetDouble()));
        Assert.False(summary.TryGetProperty("loss_scale", out _)); // only with --precision fp16/bf16
    }

    [Fact]
    public void Gradcheck_PassesOnAValidNetwork_AndNamesEachTensor()
    {
        using var dir = new TempDir();
        dir.File("net.json", Net);
        var run = CliRunner.Run("gradcheck", "--network", dir["net.json"]);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("W¹ (dense layer 1)", run.Stdout);
        Assert.Contains("gradients match finite differences", run.Stdout);
        var tight = CliRunner.Run("gradcheck", "--network", dir["net.json"], "--tolerance", "1e-30");
        Assert.Equal(1, tight.ExitCode); // an impossible tolerance must fail: the exit code carries the verdict
    }
}
