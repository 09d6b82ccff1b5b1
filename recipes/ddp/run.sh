#!/usr/bin/env bash
# The round trip of docs/interop.md, recipe 3, on one machine: backprop trains and exports safetensors,
# torchrun continues on 2 processes with DistributedDataParallel, backprop imports the result and scores it on a
# held-out file. Usage: recipes/ddp/run.sh [WORKDIR] (default: a new temporary folder). It needs `backprop` on
# PATH and a python3 with PyTorch and NumPy (Debian: python3-torch, python3-numpy); PYTHON names another.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
cp "$here"/make_data.py "$here"/safetensors_io.py "$here"/continue_ddp.py "$work"
cd "$work"
echo "working in $work"
# Debian's PyTorch is in /usr/bin/python3, which a pyenv or venv python3 on PATH may hide.
if [ -z "${PYTHON:-}" ]; then
  for candidate in python3 /usr/bin/python3; do
    if command "$candidate" -c 'import torch, numpy' 2>/dev/null; then PYTHON=$candidate; break; fi
  done
fi
if [ -z "${PYTHON:-}" ]; then echo "run.sh: no python3 with torch and numpy found: install python3-torch python3-numpy, or set PYTHON" >&2; exit 1; fi
python3() { command "$PYTHON" "$@"; }

# --- the recipe (docs/interop.md shows these lines) ---
python3 make_data.py
backprop train --data spirals-train.csv --layers 2-32-32-2 --activation tanh --loss cross_entropy --epochs 5 --seed 1 --out spirals.json
backprop export --network spirals.json --format safetensors --out spirals.safetensors
python3 -m torch.distributed.run --standalone --nproc_per_node 2 --redirects 1 --tee 1 --log_dir logs \
    continue_ddp.py --weights spirals.safetensors --data spirals-train.csv --out back.safetensors --epochs 100
backprop import back.safetensors --out back.json
backprop eval --model spirals.json --data spirals-test.csv --all    # before: backprop's 5 epochs
backprop eval --model back.json --data spirals-test.csv --all       # after: PyTorch's 100 more on 2 processes
