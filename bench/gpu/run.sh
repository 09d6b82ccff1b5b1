#!/usr/bin/env bash
# The GPU measurement of issue 13, run on the GPU machine (PyTorch with CUDA, no .NET SDK) from the repository
# root with ".device" carried (made by bench/gpu/pack.sh on a machine with the SDK):
#   bench/gpu/run.sh [OUT]        (OUT: where the raw JSON lines go; default $OUT or /tmp/backprop-gpu)
# 1. the card, driver and PyTorch version;
# 2. PyTorch's training step, eager and captured in a CUDA graph, at batch 1 … 4096 (bench/gpu/torch_step.py);
# 3. the GPU benchmark (bench/Backprop.GpuBench): the GPU trainer against the CPU trainer on CUDA, its step at
#    the same batch sizes (split-K at 0/2/4/8 blocks per SM), each launch's device time, and Fashion-MNIST
#    10 epochs on the GPU and on the CPU;
# then prints the tables (bench/gpu/table.py) that go into bench/RESULTS-gpu.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:-${OUT:-/tmp/backprop-gpu}}
mkdir -p "$out"
rm -f "$out/gpubench.jsonl"
app=$(mktemp -d)
tar -xJf .device/app.tar.xz -C "$app"

{
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader
  python3 -c "import torch; print('torch', torch.__version__, 'CUDA', torch.version.cuda)"
  nproc | sed 's/^/host cores: /'
} 2>&1 | tee "$out/card.txt"
timeout 150 python3 bench/gpu/torch_step.py | tee "$out/torch.jsonl"
timeout 330 "$app/Backprop.GpuBench" .device/fashion-mnist "$out" check steps kernels accuracy 2>&1 | tee "$out/gpubench.log"
python3 bench/gpu/table.py "$out" | tee "$out/table.md"
