using System.Numerics;
using Backprop.Data;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>Predicted classes from network outputs.</summary>
public static class Metrics
{
    /// <summary>The class of row r: the largest output, or for one output, which side of the threshold it is on.</summary>
    /// <param name="y">The outputs Y.</param>
    /// <param name="r">The row.</param>
    /// <param name="loss">The loss's name: the threshold is 0 for a logit (bce_with_logits), 0.5 otherwise.</param>
    public static int Predict<T>(Matrix<T> y, int r, string loss) where T : unmanaged, IFloatingPointIeee754<T> =>
        Model.Network<T>.ClassOf(y, r, loss);

    /// <summary>How many rows of <paramref name="y"/> predict the label of the example at the same place in <paramref name="indices"/>.</summary>
    /// <param name="y">The outputs Y of a batch.</param>
    /// <param name="data">The data set the batch came from.</param>
    /// <param name="indices">The examples of the batch, in row order.</param>
    /// <param name="loss">The loss's name.</param>
    public static int CountCorrect<T>(Matrix<T> y, Dataset data, ReadOnlySpan<int> indices, string loss) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int correct = 0;
        for (int r = 0; r < indices.Length; r++)
            if (Predict(y, r, loss) == data.Labels![indices[r]]) correct++;
        return correct;
    }
}
