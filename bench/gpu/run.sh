#!/usr/bin/env bash
# The GPU measurement of issue 13, run on the GPU machine (which has PyTorch with CUDA but no .NET SDK),
# from the repository root, with ".device" carried (made by bench/gpu/pack.sh on a machine with the SDK):
#   bench/gpu/run.sh [OUT]        (OUT: where the raw JSON lines go; default $OUT or /tmp/backprop-gpu)
# 1. PyTorch eager and CUDA-graph step times at batch 1, 128, 512, 4096 (bench/gpu/torch_step.py);
# 2. backprop train --device gpu at the same batch sizes (the same MLP, SGD), timed per epoch;
# 3. Fashion-MNIST 10 epochs on the GPU and on the CPU, for the accuracy check;
# then prints the table (bench/gpu/table.py). Copy it into bench/RESULTS-gpu.md with the card and driver.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-${OUT:-/tmp/backprop-gpu}}
mkdir -p "$out"
: > "$out/backprop.jsonl"
: > "$out/accuracy.jsonl"
app=$(mktemp -d)
tar -xJf .device/app.tar.xz -C "$app"
backprop="$app/Backprop.Cli"

data=/usr/share/datasets/fashion-mnist
if [ ! -f "$data/train-images-idx3-ubyte.gz" ]; then
  mkdir -p "$data" && cp .device/fashion-mnist/*-ubyte.gz "$data/"
fi

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/card.txt"
python3 bench/gpu/torch_step.py --batches 1 128 512 4096 | tee "$out/torch.jsonl"

mlp=(--data fashion-mnist --layers 784-256-128-10 --activation relu --optimizer sgd --seed 1)
for b in 1 128 512 4096; do
  # Batch 1 is 60,000 steps an epoch: a 20,000-example slice is enough to time it.
  if [ "$b" = 1 ]; then extra=(--limit 20000 --epochs 2 --lr 0.01); examples=20000; else extra=(--epochs 3 --lr 0.1); examples=60000; fi
  "$backprop" train --device gpu "${mlp[@]}" --batch "$b" "${extra[@]}" --json 2>>"$out/backprop.log" | tail -n 1 \
    | python3 -c "import json,sys; r=json.load(sys.stdin); r.update(batch=$b, examples=$examples); print(json.dumps(r))" \
    | tee -a "$out/backprop.jsonl" || echo "batch $b failed: see $out/backprop.log" >&2
done

for device in gpu cpu; do
  "$backprop" train --device "$device" "${mlp[@]}" --batch 128 --epochs 10 --lr 0.1 --json 2>>"$out/backprop.log" | tail -n 1 \
    | python3 -c "import json,sys; r=json.load(sys.stdin); r.update(device='$device'); print(json.dumps(r))" \
    | tee -a "$out/accuracy.jsonl" || echo "--device $device failed: see $out/backprop.log" >&2
done

python3 bench/gpu/table.py "$out" | tee "$out/table.md"
