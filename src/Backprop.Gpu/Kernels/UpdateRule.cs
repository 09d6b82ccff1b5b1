using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Gpu.Kernels;

/// <summary>
/// One optimizer step for one weight, as the epilogue of the weight-gradient product applies it: the
/// gradient never goes to memory. The arithmetic follows Backprop.Training.Sgd and Adam step for step.
/// Step-dependent scalars (Adam's bias corrections, momentum's first step) are set by the host per launch.
/// </summary>
internal struct UpdateRule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const int Sgd = 0, Momentum = 1, Adam = 2;

    public int Kind;
    public int FirstStep;            // momentum: v = g on the first step
    public T LearningRate, Mu, Decay;
    public T Beta1, Beta2, Epsilon, StepSize, Correction2;
    public T OneMinusBeta1, OneMinusBeta2;

    /// <summary>Returns the new weight; s1, s2 are the weight's optimizer state (velocity, or Adam's m and v).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly T Apply(T w, T g, ref T s1, ref T s2)
    {
        if (Kind == Adam)
        {
            T grad = g + Decay * w;
            s1 = Beta1 * s1 + OneMinusBeta1 * grad;
            s2 = Beta2 * s2 + OneMinusBeta2 * grad * grad;
            return w - StepSize * s1 / (T.Sqrt(s2) / Correction2 + Epsilon);
        }
        if (Kind == Momentum)
        {
            T v = FirstStep != 0 ? g : s1 * Mu + g;   // v = μ·v + g
            if (Decay != T.Zero) v = w * Decay + v;   //   + λ·w
            s1 = v;
            return v * -LearningRate + w;             // w −= η·v
        }
        if (Decay != T.Zero) w = w * (-LearningRate * Decay) + w; // w −= η·λ·w
        return g * -LearningRate + w;                             // w −= η·g
    }
}
