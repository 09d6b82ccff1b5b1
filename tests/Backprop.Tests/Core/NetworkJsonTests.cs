using Backprop.IO;
using Backprop.Model;
using Backprop.Tests.Cli;
using static Backprop.Tests.Core.Nets;

namespace Backprop.Tests.Core;

public class NetworkJsonTests
{
    private const string Contract = """
        {
          "format": "backprop.network/1",
          "layers": [
            { "type": "dense", "inputs": 2, "outputs": 2,
              "weights": [[0.1, 0.2], [0.3, 0.4]],
              "bias": [0.0, 0.1] },
            { "type": "sigmoid" },
            { "type": "dense", "inputs": 2, "outputs": 1,
              "weights": [[0.5], [0.6]], "bias": [0.2] }
          ],
          "loss": "half_sse"
        }
        """;

    [Fact]
    public void TheContractExample_ReadsAndComputesItsForwardPass()
    {
        var net = NetworkJson.Parse(Contract).Build<double>();
        var y = net.Forward(M([1.0, 2.0]));
        static double S(double v) => 1 / (1 + Math.Exp(-v));
        double h0 = S(1 * 0.1 + 2 * 0.3 + 0.0), h1 = S(1 * 0.2 + 2 * 0.4 + 0.1);
        Assert.Equal(h0 * 0.5 + h1 * 0.6 + 0.2, y[0, 0], 14);
    }

    [Fact]
    public void WriteThenRead_GivesTheSameSpecExactly()
    {
        var rng = new Random(5);
        var spec = new NetworkSpec(
        [
            Dense(RandomMatrix(rng, 3, 4), [0.1, -0.2, 1e-300, 12345.678]),
            new LayerSpec("leaky_relu") { Slope = 0.07 },
            Dense(RandomMatrix(rng, 4, 2)),
        ], "cross_entropy", 9);
        var back = NetworkJson.Parse(NetworkJson.Write(spec));
        Assert.Equal(spec.Loss, back.Loss);
        Assert.Equal(spec.Seed, back.Seed);
        Assert.Equal(0.07, back.Layers[1].Slope);
        for (int l = 0; l < 3; l += 2)
        {
            Assert.Equal(spec.Layers[l].Bias, back.Layers[l].Bias);
            for (int i = 0; i < spec.Layers[l].Weights!.Length; i++) Assert.Equal(spec.Layers[l].Weights![i], back.Layers[l].Weights![i]);
        }
    }

    [Fact]
    public void InitAndSeed_AreDeterministic_AndSavedModelsReproduceOutputs()
    {
        var spec = NetworkSpec.Mlp([4, 8, 3], "tanh", "cross_entropy", "xavier", seed: 42);
        var a = spec.Build<double>();
        var b = spec.Build<double>();
        Assert.Equal(a.DenseLayers.First().Weights.Value.ToRows(), b.DenseLayers.First().Weights.Value.ToRows());
        Assert.NotEqual(a.DenseLayers.First().Weights.Value.ToRows(), (spec with { Seed = 43 }).Build<double>().DenseLayers.First().Weights.Value.ToRows());

        using var dir = new TempDir();
        NetworkJson.Save(NetworkSpec.From(a), dir["model.json"]);
        var reloaded = NetworkJson.Load(dir["model.json"]).Build<double>();
        var x = M([0.1, 0.2, 0.3, 0.4], [-1, 0, 1, 2]);
        Assert.Equal(a.Forward(x).ToRows(), reloaded.Forward(x).ToRows());
    }

    [Theory]
    [InlineData("""{"layers":[{"type":"dense","inputs":2,"outputs":2,"init":"xavier"},{"type":"sigmod"}],"loss":"sse"}""", "layers[1]: unknown type 'sigmod'")]
    [InlineData("""{"layers":[{"type":"dense","inputs":2,"outputs":3,"init":"he"},{"type":"dense","inputs":2,"outputs":1,"init":"he"}],"loss":"sse"}""", "dense layer 2 (layers[1]) takes 2 inputs but dense layer 1 gives 3 outputs")]
    [InlineData("""{"layers":[{"type":"dense","weights":[[1,2],[3]]}],"loss":"sse"}""", "weights row 1 has 1 values")]
    [InlineData("""{"layers":[{"type":"dense","inputs":1,"outputs":1,"weigths":[[1]]}],"loss":"sse"}""", "unknown field \"weigths\"")]
    [InlineData("""{"layers":[{"type":"dense","inputs":1,"outputs":1,"init":"xavier"}],"loss":"hinge"}""", "unknown loss 'hinge'")]
    [InlineData("{\n\"layers\": [\n  {\"type\": \"dense\",, }\n]}", "line 3")]
    [InlineData("""{"layers":[{"type":"dense","inputs":2,"outputs":1,"init":"glorious"}],"loss":"sse"}""", "unknown init 'glorious'")]
    public void BadNetworks_GiveOneClearMessage(string json, string expected)
    {
        var e = Assert.Throws<BackpropException>(() => NetworkJson.Parse(json, "net.json").Build<double>());
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
