// Getting started with the Backprop library: train on plain arrays, predict, save, load, read gradients.
// Run: dotnet run --project samples/GettingStarted [-- OUTPUT_DIRECTORY]
using Backprop.IO;
using Backprop.Losses;
using Backprop.Model;
using Backprop.Tensors;
using Backprop.Training;

// 1. Data as plain arrays: 400 points in the square [−1, 1]², class 1 inside the circle of radius 0.6.
var rng = new Random(1);
var x = new float[400, 2];
var labels = new int[400];
for (int i = 0; i < 400; i++)
{
    x[i, 0] = (float)(rng.NextDouble() * 2 - 1);
    x[i, 1] = (float)(rng.NextDouble() * 2 - 1);
    labels[i] = x[i, 0] * x[i, 0] + x[i, 1] * x[i, 1] < 0.36f ? 1 : 0;
}

// 2. A network: 2 inputs, 16 tanh units, 2 outputs (one logit per class), softmax cross-entropy.
var net = NetworkSpec.Mlp([2, 16, 2], ActivationKind.Tanh, LossKind.CrossEntropy, InitKind.XavierUniform, seed: 1).Build<float>();
Console.WriteLine($"network: {net}");

// 3. Train: hold 20% out for validation and stop when its loss has not improved for 10 epochs.
var result = net.Fit(x, labels, new FitOptions
{
    Epochs = 200,
    BatchSize = 16,
    LearningRate = 0.01,
    ValidationSplit = 0.2,
    Patience = 10,
    EpochCompleted = e =>
    {
        if (e.Epoch % 20 == 0)
            Console.WriteLine($"epoch {e.Epoch}: train loss {e.TrainLoss:F4}, validation loss {e.Test!.Loss:F4}, validation accuracy {e.Test.Accuracy:P1}");
    },
});
Console.WriteLine($"trained {result.History.Count} epochs, kept the weights of epoch {result.BestEpoch}");

// 4. Predict: arrays the caller owns; safe to call from many threads at once.
int[] predicted = net.PredictClasses(x);
int correct = 0;
for (int i = 0; i < predicted.Length; i++) if (predicted[i] == labels[i]) correct++;
Console.WriteLine($"accuracy: {(double)correct / predicted.Length:F3}");
float[,] p = net.PredictProba(new float[,] { { 0, 0 }, { 0.9f, 0.9f } });
Console.WriteLine($"P(inside) at (0, 0): {p[0, 1]:F3}; at (0.9, 0.9): {p[1, 1]:F3}");

// 5. Save (atomically, as readable JSON) and load.
string path = Path.Combine(args.Length > 0 ? args[0] : ".", "circle.json");
net.Save(path);
var loaded = Network<float>.Load(path);
float[,] before = net.Predict(x), after = loaded.Predict(x);
bool same = true;
for (int i = 0; i < before.GetLength(0); i++)
    for (int j = 0; j < before.GetLength(1); j++) same &= before[i, j] == after[i, j];
Console.WriteLine($"saved {path}; the loaded network predicts the same: {same}");

// 6. Gradients: one batch through the training path (forward, loss, backward); afterwards every
//    parameter holds the gradient of the loss with respect to it, in the parameter's shape.
var batch = Matrix<float>.From(new float[,] { { 0.55f, 0.1f }, { 0.5f, 0.4f } });    // near the circle
var targets = Matrix<float>.From(new float[,] { { 1 }, { 0 } });  // cross-entropy takes one class index per row
double loss = loaded.ComputeGradients(batch, targets);
var w1 = loaded.DenseLayers.First().Weights;
Console.WriteLine($"loss of the batch: {loss:F6}");
Console.WriteLine($"dE/dW1 has shape {w1.Gradient.Shape} like W1; dE/dW1[0,0] = {w1.Gradient[0, 0]:G6}");
