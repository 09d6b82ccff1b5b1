using System.Numerics;
using Backprop.Data;
using Backprop.Tensors;

namespace Backprop.Training;

/// <summary>Predicted classes from network outputs.</summary>
internal static class Metrics
{
    /// <summary>The class of row r: the largest output, or for one output, which side of the threshold it is on.</summary>
    public static int Predict<T>(Matrix<T> y, int r, string loss) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var row = y.Row(r);
        if (row.Length == 1)
        {
            // A logit for bce_with_logits, otherwise a value fitted to 0 or 1.
            T threshold = loss == "bce_with_logits" ? T.Zero : T.CreateChecked(0.5);
            return row[0] > threshold ? 1 : 0;
        }
        int best = 0;
        for (int k = 1; k < row.Length; k++) if (row[k] > row[best]) best = k;
        return best;
    }

    public static int CountCorrect<T>(Matrix<T> y, Dataset data, ReadOnlySpan<int> indices, string loss) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int correct = 0;
        for (int r = 0; r < indices.Length; r++)
            if (Predict(y, r, loss) == data.Labels![indices[r]]) correct++;
        return correct;
    }
}
