using System.Diagnostics;

namespace Backprop.Gpu.Tests;

/// <summary><c>backprop train --device</c> through the real program: refusal without CUDA, and the auto fallback.</summary>
public sealed class DeviceOptionTests
{
    private static readonly bool HasCuda = CudaPresent();

    private static bool CudaPresent()
    {
        using var device = GpuDevice.TryCuda();
        return device is not null;
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Backprop.Cli.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) process.Kill(entireProcessTree: true);
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static readonly string[] Small = ["train", "--data", "xor", "--layers", "2-4-2", "--epochs", "3", "--batch", "2"];

    [Fact]
    public void Device_gpu_without_a_cuda_device_says_so_in_one_line_and_fails()
    {
        var (code, stdout, stderr) = Run([.. Small, "--device", "gpu"]);
        if (HasCuda)
        {
            Assert.Equal(0, code);
            Assert.Contains(", on ", stdout);
            return;
        }
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("--device gpu: no CUDA device", lines[0]);
    }

    [Fact]
    public void Device_auto_without_a_cuda_device_trains_on_the_cpu_with_one_note()
    {
        using var dir = new TempDirectory();
        string cpuOut = Path.Combine(dir.Path, "cpu.json"), autoOut = Path.Combine(dir.Path, "auto.json");
        var cpu = Run([.. Small, "--device", "cpu", "--out", cpuOut]);
        var auto = Run([.. Small, "--device", "auto", "--out", autoOut, "--json"]);
        Assert.Equal(0, cpu.ExitCode);
        Assert.Equal(0, auto.ExitCode);
        Assert.DoesNotContain("note", cpu.Stderr);
        Assert.Contains("\"samples_per_second\"", auto.Stdout.Trim().Split('\n')[^1]);
        if (HasCuda)
        {
            Assert.DoesNotContain("no CUDA device", auto.Stderr);
            return;
        }
        Assert.Single(auto.Stderr.Split('\n'), l => l.Contains("note: no CUDA device found; training on the CPU"));
        Assert.Equal(File.ReadAllText(cpuOut), File.ReadAllText(autoOut)); // the very same CPU training
    }

    [Fact]
    public void An_unknown_device_is_named_in_the_error()
    {
        var (code, _, stderr) = Run([.. Small, "--device", "tpu"]);
        Assert.Equal(1, code);
        Assert.Contains("--device must be one of cpu, gpu, auto, got 'tpu'", stderr);
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("backprop-gpu-test-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
