using Backprop.Playground;

namespace Backprop.Serve.Tests;

/// <summary>
/// <c>PlaygroundState.Rehearse</c> (what the browser's worker runs after a load, to warm the interpreter up): an
/// edit's work on a copy, which changes nothing the page can see.
/// </summary>
public class RehearseTests
{
    private const string Load = """{"example": "spirals", "layers": "8-8"}""";
    private const string Edit = """{"target": "W", "layer": 2, "row": 3, "col": 4, "value": -0.25}""";
    private const string ArticleEdit = """{"target": "W", "layer": 1, "row": 1, "col": 2, "value": 0.4}""";

    [Theory]
    [InlineData("article1", null)]
    [InlineData("article1", "lr=0.3")]
    [InlineData("spirals", null)]
    public void Changes_nothing_and_the_next_edit_answers_as_without_it(string example, string? query)
    {
        string load = example == "spirals" ? Load : """{"example": "article1"}""";
        var rehearsed = new PlaygroundState(numbersApart: true);
        var plain = new PlaygroundState(numbersApart: true);
        string before = rehearsed.Load(load);
        var beforeNumbers = rehearsed.TakeNumbers();
        plain.Load(load);
        plain.TakeNumbers();

        rehearsed.Rehearse(query);
        rehearsed.Rehearse(query);

        Assert.Empty(rehearsed.TakeNumbers()); // a rehearsal answers nothing
        Assert.Equal(before, rehearsed.State());
        Assert.Equal(beforeNumbers, rehearsed.TakeNumbers());
        string edit = example == "spirals" ? Edit : ArticleEdit;
        Assert.Equal(plain.Edit(edit, query), rehearsed.Edit(edit, query));
        Assert.Equal(plain.TakeNumbers(), rehearsed.TakeNumbers());
    }

    [Fact]
    public void Before_a_load_it_says_so_in_one_line()
    {
        var e = Assert.Throws<BackpropException>(() => new PlaygroundState().Rehearse());
        Assert.Equal("no example loaded yet: choose one first", e.Message);
    }

    [Fact]
    public void A_bad_learning_rate_is_refused_as_the_edit_refuses_it()
    {
        var state = new PlaygroundState();
        string before = state.Load("""{"example": "article1"}""");
        var rehearsal = Assert.Throws<BackpropException>(() => state.Rehearse("lr=-1"));
        var edit = Assert.Throws<BackpropException>(() => state.Edit(ArticleEdit, "lr=-1"));
        Assert.Equal(edit.Message, rehearsal.Message);
        Assert.Equal(before, state.State());
    }
}
