#!/usr/bin/env python3
"""Reads what bench/gpu/run.sh wrote into OUT and prints the comparison table (markdown) and the targets."""
import json
import math
import sys
from pathlib import Path

out = Path(sys.argv[1])
card = (out / "card.txt").read_text().strip() if (out / "card.txt").exists() else "unknown card"
torch_rows = [json.loads(l) for l in (out / "torch.jsonl").read_text().splitlines() if l.strip()]
ours = [json.loads(l) for l in (out / "backprop.jsonl").read_text().splitlines() if l.strip()]

torch_us = {(r["impl"], r["batch"]): r["us_per_step"] for r in torch_rows}
print(f"card: {card}; {torch_rows[0]['torch'] if torch_rows else ''}")
print()
print("| batch | PyTorch eager µs/step | PyTorch CUDA graph µs/step | backprop GPU µs/step | backprop examples/s | vs CUDA graph | target |")
print("|---:|---:|---:|---:|---:|---:|---|")
targets = {1: 2.0, 128: 2.0, 4096: 1.0}
for r in ours:
    b = r["batch"]
    steps = math.ceil(r["examples"] / b)
    epochs = r["epoch_seconds"][1:] or r["epoch_seconds"]  # the first epoch warms up
    us = min(epochs) / steps * 1e6
    eager, graph = torch_us.get(("pytorch-eager", b)), torch_us.get(("pytorch-cuda-graph", b))
    ratio = graph / us if graph else float("nan")
    target = targets.get(b)
    verdict = "" if target is None else f"≥ {target:g}× {'met' if ratio >= target else 'NOT met'}"
    print(f"| {b} | {eager:,.0f} | {graph:,.0f} | {us:,.1f} | {b / us * 1e6:,.0f} | {ratio:.2f}× | {verdict} |")

acc = out / "accuracy.jsonl"
if acc.exists():
    rows = {json.loads(l)["device"]: json.loads(l) for l in acc.read_text().splitlines() if l.strip()}
    if "gpu" in rows and "cpu" in rows:
        g, c = rows["gpu"]["test_accuracy"] * 100, rows["cpu"]["test_accuracy"] * 100
        print()
        print(f"Fashion-MNIST 784-256-128-10, 10 epochs: test accuracy GPU {g:.2f} %, CPU {c:.2f} % "
              f"(difference {abs(g - c):.2f} points; target ≤ 0.5: {'met' if abs(g - c) <= 0.5 else 'NOT met'}); "
              f"GPU {rows['gpu']['train_seconds']:.1f} s, CPU {rows['cpu']['train_seconds']:.1f} s of training")
