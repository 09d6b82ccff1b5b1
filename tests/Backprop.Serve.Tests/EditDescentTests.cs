using System.Text.Json.Nodes;
using Backprop.Playground;

namespace Backprop.Serve.Tests;

/// <summary><c>edit?lr=η</c> (the first article's page): the edit and its descent in one request.</summary>
public class EditDescentTests
{
    private const string Edit = """{"target": "W", "layer": 2, "row": 1, "col": 1, "value": 0.8}""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Answers_what_descent_gives_after_the_edit_and_the_state_stays_the_edits(bool numbersApart)
    {
        var once = new PlaygroundState(numbersApart);
        var twice = new PlaygroundState(numbersApart);
        once.Load("""{"example": "article1"}""");
        twice.Load("""{"example": "article1"}""");
        string edited = twice.Edit(Edit);
        var editedNumbers = twice.TakeNumbers();

        string combined = once.Edit(Edit, "lr=0.3");
        var combinedNumbers = once.TakeNumbers();
        string descent = twice.Descent("lr=0.3");
        Assert.Equal(descent, combined);
        Assert.Equal(twice.TakeNumbers(), combinedNumbers);
        // The state it leaves (written when asked for) is the plain edit's.
        Assert.Equal(edited, once.State());
        Assert.Equal(editedNumbers, once.TakeNumbers());
        Assert.Contains("\"update\"", combined, StringComparison.Ordinal); // the descent's update steps
    }

    [Fact]
    public void A_bad_learning_rate_changes_nothing()
    {
        var state = new PlaygroundState();
        string before = state.Load("""{"example": "article1"}""");
        var e = Assert.Throws<BackpropException>(() => state.Edit(Edit, "lr=-1"));
        Assert.Contains("lr", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, state.State());
        Assert.Equal(JsonNode.Parse(before)!["loss"]!.GetValue<double>(), JsonNode.Parse(state.State())!["loss"]!.GetValue<double>());
    }
}
