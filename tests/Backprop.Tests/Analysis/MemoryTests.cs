using Backprop.Analysis;
using Backprop.Data;
using Backprop.Model;
using Backprop.Training;

namespace Backprop.Tests.Analysis;

public class MemoryTests
{
    public static TheoryData<string, string, string, int> Cases => new()
    {
        { "20-32-3", "cross_entropy", "sgd", 1 },
        { "20-32-3", "cross_entropy", "adam", 17 },
        { "20-64-64-64-3", "mse", "momentum", 64 },
        { "20-8-16-8-4-3", "half_sse", "adam", 5 },
        { "20-128-3", "cross_entropy", "sgd", 512 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Prediction_equals_the_library_accounting_of_a_real_step(string layers, string loss, string optimizer, int batch)
    {
        var data = TestData.Classes(300, 20, 3, seed: 1);
        var spec = NetworkSpec.Mlp([.. layers.Split('-').Select(int.Parse)], "tanh", loss, seed: 2);
        int targets = loss == "cross_entropy" ? 1 : 3; // class indices, or one-hot rows
        foreach (var precision in new[] { "f32", "f64" })
        {
            var predicted = TrainingMemory.Predict(spec, 20, targets, batch, optimizer, Precision.Parse(precision));
            var measured = precision == "f32"
                ? MemoryMeasurement.OfOneStep<float>(spec, data, batch, () => Optimizer<float>.Create(optimizer, 0.01), 1)
                : MemoryMeasurement.OfOneStep<double>(spec, data, batch, () => Optimizer<double>.Create(optimizer, 0.01), 1);
            Assert.Equal(predicted.Total, measured.LibraryBytes);
        }
    }

    [Fact]
    public void Managed_allocations_and_process_peak_agree_with_the_prediction_for_a_real_sized_network()
    {
        var data = TestData.Classes(600, 784, 10, seed: 1);
        var spec = NetworkSpec.Mlp([784, 256, 128, 10], "relu", "cross_entropy", seed: 1);
        var predicted = TrainingMemory.Predict(spec, 784, 1, 512, "adam", Precision.Parse("f32"));
        var measured = MemoryMeasurement.OfOneStep<float>(spec, data, 512, () => Optimizer<float>.Create("adam", 0.01), 1);
        Assert.Equal(predicted.Total, measured.LibraryBytes);
        Assert.InRange((double)measured.ManagedBytes / predicted.Total, 1.0, 1.1); // the buffers plus a little runtime change
        Assert.True(measured.PeakAfter >= measured.PeakBefore && measured.PeakBefore > 0);
    }

    [Fact]
    public void Optimizer_state_is_zero_for_sgd_one_copy_with_momentum_two_for_adam()
    {
        var spec = NetworkSpec.Mlp([10, 20, 5], "relu", "mse");
        long P = 10 * 20 + 20 + 20 * 5 + 5;
        var f32 = Precision.Parse("f32");
        Assert.Equal(0, TrainingMemory.Predict(spec, 10, 5, 8, "sgd", f32).OptimizerState);
        Assert.Equal(4 * P, TrainingMemory.Predict(spec, 10, 5, 8, "momentum", f32).OptimizerState);
        Assert.Equal(8 * P, TrainingMemory.Predict(spec, 10, 5, 8, "adam", f32).OptimizerState);
        Assert.Equal(4 * P, TrainingMemory.Predict(spec, 10, 5, 8, "sgd", f32).Parameters);
    }

    [Fact]
    public void Batch_dependent_memory_grows_linearly_with_the_batch()
    {
        var spec = NetworkSpec.Mlp([10, 20, 5], "relu", "mse");
        var f32 = Precision.Parse("f32");
        var one = TrainingMemory.Predict(spec, 10, 5, 1, "adam", f32);
        var many = TrainingMemory.Predict(spec, 10, 5, 100, "adam", f32);
        Assert.Equal(100 * (one.Activations + one.Temporaries + one.Batch), many.Activations + many.Temporaries + many.Batch);
        Assert.Equal(one.Parameters + one.Gradients + one.OptimizerState, many.Parameters + many.Gradients + many.OptimizerState);
    }

    [Fact]
    public void Unknown_precision_is_one_clear_error() =>
        Assert.Contains("fp8", Assert.Throws<BackpropException>(() => Precision.Parse("fp8")).Message);
}
