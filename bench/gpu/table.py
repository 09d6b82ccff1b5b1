#!/usr/bin/env python3
"""Reads what bench/gpu/run.sh wrote into OUT and prints the tables of bench/RESULTS-gpu.md (markdown) and the targets."""
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])


def lines(name):
    path = out / name
    return [json.loads(l) for l in path.read_text().splitlines() if l.strip().startswith("{")] if path.exists() else []


card = (out / "card.txt").read_text().strip().replace("\n", "; ") if (out / "card.txt").exists() else "unknown card"
torch_rows = lines("torch.jsonl")
bench = lines("gpubench.jsonl")
torch_us = {(r["impl"], r["batch"]): r["us_per_step"] for r in torch_rows}
print(f"Card: {card}. PyTorch matmul TF32: {torch_rows[0]['tf32'] if torch_rows else '?'}.")

steps = [r for r in bench if r["part"] == "steps"]
for r in steps:
    r.setdefault("graph_steps", 0)
default = (2, 16)  # split-K to 2 blocks per SM, 16 steps per CUDA graph (GpuTrainer's defaults)
targets = {1: 2.0, 128: 2.0, 4096: 1.0}
print()
print("Training step of 784-256-128-10 (ReLU, cross-entropy, SGD), float32, whole batches, best of 5 epochs after a warm-up:")
print()
print("| batch | PyTorch eager µs/step | PyTorch CUDA graph µs/step | Backprop GPU µs/step | Backprop examples/s | × PyTorch eager | × PyTorch CUDA graph | target |")
print("|---:|---:|---:|---:|---:|---:|---:|---|")
for r in [r for r in steps if (r["blocks_per_sm"], r["graph_steps"]) == default]:
    b, us = r["batch"], r["us_per_step"]
    eager, graph = torch_us.get(("pytorch-eager", b)), torch_us.get(("pytorch-cuda-graph", b))
    target = targets.get(b)
    ratio = graph / us if graph else float("nan")
    verdict = "" if target is None else f"≥ {target:g}× graph: {'met' if ratio >= target else 'NOT met'}"
    print(f"| {b} | {eager:,.0f} | {graph:,.0f} | {us:,.1f} | {b / us * 1e6:,.0f} | {eager / us:.1f} | {ratio:.2f} | {verdict} |")

print()
print("The trainer's settings: µs/step (host enqueue µs/step in brackets) with split-K up to N blocks per SM and G steps per CUDA graph:")
print()
variants = sorted({(r["blocks_per_sm"], r["graph_steps"]) for r in steps}, key=lambda v: (v != default, v))
print("| batch | " + " | ".join(f"split {b}/SM, graph {g}" + (" (default)" if (b, g) == default else "") for b, g in variants) + " |")
print("|---:|" + "---:|" * len(variants))
for b in sorted({r["batch"] for r in steps}):
    cells = []
    for v in variants:
        r = next((r for r in steps if r["batch"] == b and (r["blocks_per_sm"], r["graph_steps"]) == v), None)
        cells.append(f"{r['us_per_step']:,.1f} ({r['enqueue_us_per_step']:,.1f})" if r else "")
    print(f"| {b} | " + " | ".join(cells) + " |")

kernels = [r for r in bench if r["part"] == "kernels"]
if kernels:
    print()
    print("Device time of each launch in a steady-state step, µs (CUDA events between launches):")
    print()
    for r in kernels:
        parts = ", ".join(f"{k} {v:.1f}" for k, v in r["us_per_launch"].items())
        split = f"{r['blocks_per_sm']} blocks/SM" if r["blocks_per_sm"] else "no split"
        print(f"- batch {r['batch']}, {split}: {parts}; sum {r['us_per_step']:.1f}")

checks = [r for r in bench if r["part"] == "check"]
if checks:
    print()
    print("The GPU trainer against the CPU trainer on this card (2 epochs; largest weight difference relative to the parameter's largest weight):")
    print()
    print("| precision | network | σ / loss / optimizer | batch | weights | losses | tolerance | |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for r in checks:
        print(f"| {r['precision']} | {r['sizes']} | {r['activation']} / {r['loss']} / {r['optimizer']} | {r['batch']} | {r['max_weight_diff']:.1e} | {r['max_loss_diff']:.1e} | {r['tolerance']:.0e} | {'ok' if r['ok'] else 'DIFFERENT'} |")

acc = {r["device"]: r for r in bench if r["part"] == "accuracy"}
if "gpu" in acc and "cpu" in acc:
    g, c = acc["gpu"]["test_accuracy"] * 100, acc["cpu"]["test_accuracy"] * 100
    print()
    print(f"Fashion-MNIST 784-256-128-10, batch 128, SGD 0.1, 10 epochs: test accuracy GPU {g:.2f} %, CPU {c:.2f} % "
          f"(difference {abs(g - c):.2f} points; target ≤ 0.5: {'met' if abs(g - c) <= 0.5 else 'NOT met'}); "
          f"training GPU {acc['gpu']['train_seconds']:.2f} s, CPU {acc['cpu']['train_seconds']:.2f} s")
