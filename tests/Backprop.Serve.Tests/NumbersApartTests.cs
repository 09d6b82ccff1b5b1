using System.Text.Json.Nodes;
using Backprop.Playground;

namespace Backprop.Serve.Tests;

/// <summary>
/// The browser's worker keeps a state's matrices apart from its JSON (<c>PlaygroundState(numbersApart: true)</c>):
/// put back as engine-worker.js does it, every state equals the one the server sends, number for number.
/// </summary>
public class NumbersApartTests
{
    public static readonly TheoryData<string> Loads = new()
    {
        """{"example": "article1"}""",
        """{"example": "linear-2-2-2"}""",
        """{"example": "spirals", "layers": "16-16", "activation": "relu", "loss": "cross_entropy"}""",
    };

    [Theory, MemberData(nameof(Loads))]
    public void Every_state_put_back_equals_the_servers(string load)
    {
        var server = new PlaygroundState();
        var worker = new PlaygroundState(numbersApart: true);
        AssertSame(server.Load(load), worker.Load(load), worker.TakeNumbers());
        const string edit = """{"target": "W", "layer": 1, "row": 1, "col": 2, "value": -0.75}""";
        AssertSame(server.Edit(edit), worker.Edit(edit), worker.TakeNumbers());
        AssertSame(server.State(), worker.State(), worker.TakeNumbers());
        AssertSame(server.Descent("lr=0.3"), worker.Descent("lr=0.3"), worker.TakeNumbers());
    }

    [Fact]
    public void Numbers_are_taken_once_and_only_states_have_them()
    {
        var worker = new PlaygroundState(numbersApart: true);
        worker.Load("""{"example": "article1"}""");
        Assert.NotEmpty(worker.TakeNumbers());
        Assert.Empty(worker.TakeNumbers());
        string paths = worker.Paths("weight=1:1:1");
        Assert.Empty(worker.TakeNumbers());
        Assert.DoesNotContain("$f64", paths, StringComparison.Ordinal);
        Assert.Empty(new PlaygroundState().TakeNumbers());
    }

    /// <summary>The apart state with its matrices put back equals the whole state, and no marker is left.</summary>
    private static void AssertSame(string whole, string apart, double[] numbers)
    {
        Assert.NotEmpty(numbers);
        Assert.Contains("\"$f64\"", apart, StringComparison.Ordinal);
        var expected = JsonNode.Parse(whole);
        var actual = PutBack(JsonNode.Parse(apart), numbers);
        Assert.True(JsonNode.DeepEquals(expected, actual), "the state put back differs from the server's");
    }

    /// <summary>As engine-worker.js's withNumbers: {"$f64": at, "rows", "cols"} becomes rows of numbers, without "rows" one row.</summary>
    private static JsonNode? PutBack(JsonNode? node, double[] numbers)
    {
        switch (node)
        {
            case JsonObject o when o["$f64"] is { } at:
                int start = (int)at, cols = (int)o["cols"]!;
                JsonArray Row(int from) => [.. numbers.AsSpan(from, cols).ToArray().Select(v => (JsonNode?)v)];
                if (o["rows"] is not { } rows) return Row(start);
                return new JsonArray([.. Enumerable.Range(0, (int)rows).Select(i => (JsonNode?)Row(start + i * cols))]);
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList()) o[key] = PutBack(o[key]?.DeepClone(), numbers);
                return o;
            case JsonArray a:
                return new JsonArray([.. a.Select(e => PutBack(e?.DeepClone(), numbers))]);
            default:
                return node?.DeepClone();
        }
    }
}
