using Backprop.Analysis;
using ScottPlot;

namespace Backprop.Plots;

/// <summary>Predicted training memory by category: against batch size (left) and against depth (right), in MiB on log scales.</summary>
public static class MemoryPlot
{
    public static void Save(string path, IReadOnlyList<(int Batch, MemoryBreakdown Memory)> byBatch, IReadOnlyList<(int Depth, MemoryBreakdown Memory)> byDepth)
    {
        var batch = Figure.Panel("memory against batch size", "log₂ batch size", "MiB");
        AddCategories(batch, byBatch.Select(b => Math.Log2(b.Batch)).ToArray(), byBatch.Select(b => b.Memory).ToArray());
        var depth = Figure.Panel("memory against depth (same batch)", "dense layers", "MiB");
        AddCategories(depth, byDepth.Select(d => (double)d.Depth).ToArray(), byDepth.Select(d => d.Memory).ToArray());
        Figure.IntegerX(batch);
        Figure.IntegerX(depth);
        Figure.Save(path, batch, depth);
    }

    private static void AddCategories(Plot plot, double[] xs, MemoryBreakdown[] memory)
    {
        void Add(string label, Func<MemoryBreakdown, long> bytes)
        {
            if (memory.All(m => bytes(m) == 0)) return;
            Figure.Line(plot, xs, memory.Select(m => Math.Log10(bytes(m) / 1048576.0)), label);
        }
        Add("total", m => m.Total);
        Add("parameters", m => m.Parameters);
        Add("gradients", m => m.Gradients);
        Add("optimizer state", m => m.OptimizerState);
        Add("activations", m => m.Activations);
        Add("temporaries", m => m.Temporaries);
        Add("batch X, T", m => m.Batch);
        Figure.LogY(plot);
        Figure.LegendBelow(plot);
    }
}
