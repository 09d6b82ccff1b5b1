using System.Numerics;
using Backprop.Data;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

namespace Backprop.Analysis;

/// <summary>The gradient flow at initialization (epoch 0) and after each training epoch, on one fixed probe batch.</summary>
public sealed record GradientFlowEpoch(int Epoch, double TrainLoss, GradientFlowReport Flow);

/// <summary>Gradient flow measured before training and after every epoch.</summary>
public static class GradientFlowHistory
{
    /// <summary>Measures, trains one epoch, measures again, … The probe batch is measured, never trained on specially.</summary>
    /// <param name="trainer">Trains the network one epoch at a time.</param>
    /// <param name="train">The training data.</param>
    /// <param name="probeX">The fixed batch measured each time.</param>
    /// <param name="probeTargets">Its targets.</param>
    /// <param name="epochs">Epochs to train.</param>
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
