using Backprop.Model;
using Backprop.Tensors;

namespace Backprop.Training;

public sealed partial class Trainer<T>
{
    /// <summary>
    /// One training step on one batch: forward, loss, backward and the optimizer's update, which is skipped
    /// when the loss is not finite. Plain SGD (no momentum, no weight decay) updates each W inside the backward
    /// pass, while dW = Xᵀ·Δ is still in cache, instead of in a separate pass over W and dW; the weights, the
    /// gradients and the optimizer's state are the same bits as <see cref="Network{T}.ComputeGradients(Matrix{T}, Matrix{T}, bool)"/>
    /// followed by <see cref="Optimizer{T}.Step"/>.
    /// </summary>
    /// <param name="x">One example per row.</param>
    /// <param name="targets">The targets, shaped as the loss expects.</param>
    /// <returns>The loss of the batch (before the update).</returns>
    public double TrainBatch(Matrix<T> x, Matrix<T> targets)
    {
        if (Optimizer is Sgd<T> sgd && sgd.DescentInBackward is { } minusRate && Network.CanDescendInBackward)
        {
            double descended = Network.ComputeGradientsAndDescend(x, targets, false, minusRate);
            if (double.IsFinite(descended)) sgd.StepTakenInBackward(_parameters);
            return descended;
        }
        double loss = Network.ComputeGradients(x, targets);
        if (double.IsFinite(loss)) Optimizer.Step(_parameters);
        return loss;
    }
}
