using System.Diagnostics;
using Backprop.Tensors;

var shapes = new[] { (128, 784, 256), (128, 256, 128), (784, 128, 256), (1024, 1024, 1024) };
foreach (int threads in new[] { 1, 2 })
{
    Gemm.Threads = threads;
    foreach (var (m, k, n) in shapes)
    {
        var a = new Matrix<float>(m, k); var b = new Matrix<float>(k, n); var c = new Matrix<float>(m, n);
        var rng = new Random(1);
        for (int i = 0; i < a.Length; i++) a.Data[i] = (float)rng.NextDouble();
        for (int i = 0; i < b.Length; i++) b.Data[i] = (float)rng.NextDouble();
        double flops = 2.0 * m * n * k;
        int reps = Math.Max(3, (int)(2e8 / flops));
        var times = new List<double>();
        for (int r = 0; r < 7; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) Gemm.Multiply(a, b, c);
            times.Add(sw.Elapsed.TotalSeconds / reps);
        }
        times.Sort();
        Console.WriteLine($"threads {threads} {m}x{k}x{n}: {flops / times[3] / 1e9:F1} GFLOP/s");
    }
}
