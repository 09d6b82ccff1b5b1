using Backprop.Explain;
using Backprop.Explain.Steps;
using Backprop.Playground.Analysis;
using Backprop.Tensors;

namespace Backprop.Playground.Walk;

/// <summary>
/// The state of a problem whose walk goes on past the gradients, as <c>explain --lr η</c> does: the update
/// W ← W − η·∂E/∂W of every layer, then the next forward pass and its loss (<see cref="StepTrace.Build(Descent)"/>).
/// The first article's page walks this; the numbers before the update are those of the plain state.
/// </summary>
internal static class DescentState
{
    /// <summary>The largest learning rate a page may ask for.</summary>
    public const double MaxRate = 100;

    /// <summary>The state JSON of docs/serve.md with the update steps added; <c>lr</c> in <paramref name="query"/> (default 0.5).</summary>
    public static string Write(Problem problem, string? query, List<double>? numbers = null)
    {
        double lr = new StudyQuery(query).Positive("lr", 0.5, MaxRate);
        var network = problem.Spec.Build<double>();
        if (problem.X.Length == 0 || problem.X[0].Length != network.Inputs)
            throw new BackpropException($"the batch has {(problem.X.Length == 0 ? 0 : problem.X[0].Length)} input columns but the network takes {network.Inputs} inputs");
        var descent = Descent.Record(network, Matrix<double>.FromRows(problem.X), Matrix<double>.FromRows(problem.T), lr, 1);
        return StateJson.Write(problem, descent.First, StepTrace.Build(descent), numbers);
    }
}
