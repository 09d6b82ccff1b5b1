using Backprop.Training;

namespace Backprop.Plots;

/// <summary>The training history of <c>backprop train --plot</c>: loss per epoch (train and test), and accuracy beside it for classification.</summary>
public static class TrainingPlot
{
    /// <summary>Writes the plot to <paramref name="path"/> (.svg or .png); the accuracy panel only when <paramref name="classification"/>.</summary>
    public static void Save(string path, IReadOnlyList<EpochReport> history, bool classification)
    {
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        var loss = Figure.Panel("loss per epoch", "epoch", "loss E per example");
        Figure.Line(loss, epochs, history.Select(h => h.TrainLoss), "train (running mean over the epoch)");
        if (history.Any(h => h.Test is not null)) Figure.Line(loss, epochs, history.Select(h => h.Test?.Loss ?? double.NaN), "test (after the epoch)");
        Figure.IntegerX(loss);
        Figure.LegendBelow(loss);
        if (!classification)
        {
            Figure.Save(path, loss);
            return;
        }
        var accuracy = Figure.Panel("accuracy per epoch", "epoch", "accuracy (%)");
        Figure.Line(accuracy, epochs, history.Select(h => 100 * h.TrainAccuracy), "train (running mean over the epoch)");
        if (history.Any(h => h.Test is not null)) Figure.Line(accuracy, epochs, history.Select(h => 100 * (h.Test?.Accuracy ?? double.NaN)), "test (after the epoch)");
        Figure.IntegerX(accuracy);
        Figure.LegendBelow(accuracy);
        Figure.Save(path, loss, accuracy);
    }
}
