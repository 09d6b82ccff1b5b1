using System.Numerics;
using Backprop.Data;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Analysis;

/// <summary>The gradient flow at initialization (epoch 0) and after each training epoch, on one fixed probe batch.</summary>
public sealed record GradientFlowEpoch(int Epoch, double TrainLoss, GradientFlowReport Flow);

public static class GradientFlowHistory
{
    /// <summary>Measures, trains one epoch, measures again, … The probe batch is measured, never trained on specially.</summary>
    public static List<GradientFlowEpoch> Record<T>(Trainer<T> trainer, Dataset train, Matrix<T> probeX, Matrix<T> probeTargets, int epochs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (epochs < 0) throw new BackpropException("epochs", $"epochs must be at least 0, got {epochs}");
        var first = GradientFlow.Measure(trainer.Network, probeX, probeTargets);
        var history = new List<GradientFlowEpoch> { new(0, first.Loss, first) };
        for (int e = 1; e <= epochs; e++)
        {
            var report = trainer.TrainEpoch(train);
            history.Add(new GradientFlowEpoch(e, report.TrainLoss, GradientFlow.Measure(trainer.Network, probeX, probeTargets)));
        }
        return history;
    }
}
