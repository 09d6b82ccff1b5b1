using Backprop.Playground;

namespace Backprop.Serve.Tests;

/// <summary>A run's end puts its network in the walk, unless the page replaced that network while it ran.</summary>
public class FinishTrainingTests
{
    [Fact]
    public void A_finished_run_puts_its_trained_network_in_the_walk()
    {
        var state = new PlaygroundState();
        string before = state.Load("""{"example": "article1"}""");
        var job = Run(state);
        state.FinishTraining(job);
        Assert.NotEqual(before, state.State());
    }

    [Theory]
    [InlineData("load")]
    [InlineData("edit")]
    public void A_load_or_an_edit_during_the_run_wins_over_its_end(string what)
    {
        var state = new PlaygroundState();
        state.Load("""{"example": "article1"}""");
        var job = state.StartTraining("epochs=3&pace=0");
        string replaced = what == "load"
            ? state.Load("""{"example": "article3"}""")
            : state.Edit("""{"target": "W", "layer": 1, "row": 1, "col": 1, "value": 0.7}""");
        Finish(job);
        state.FinishTraining(job);
        Assert.Equal(replaced, state.State());
    }

    private static Playground.Training.TrainingJob Run(PlaygroundState state)
    {
        var job = state.StartTraining("epochs=3&pace=0");
        Finish(job);
        return job;
    }

    private static void Finish(Playground.Training.TrainingJob job)
    {
        while (!job.RunFor(TimeSpan.FromMilliseconds(50))) { }
    }
}
