#!/usr/bin/env python3
"""PyTorch's training step for the GPU comparison of issue 13: MLP 784-256-128-10, ReLU, cross-entropy, SGD.

Two ways, each at every batch size: eager (one Python call per op, as most people run it) and the whole step
captured once in a CUDA graph and replayed (PyTorch's fastest). The data set lives on the device, as in
backprop's GPU trainer, and each step gathers its batch from it by a shuffled index. Prints one JSON line per
(mode, batch): microseconds per step and examples per second, timed over --steps steps after a warm-up.
"""
import argparse
import json
import time

import torch
from torch import nn


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 8, 32, 128, 512, 1024, 4096])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--lr", type=float, default=0.01)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("torch_step.py: PyTorch sees no CUDA device")
    dev = torch.device("cuda")
    torch.manual_seed(1)
    n = 60000
    features = torch.rand(n, 784, device=dev)
    labels = torch.randint(0, 10, (n,), device=dev)
    for batch in args.batches:
        for mode in ("eager", "cuda-graph"):
            us = time_steps(mode, batch, args.steps, args.lr, features, labels)
            print(json.dumps({
                "impl": "pytorch-" + mode, "batch": batch, "us_per_step": us,
                "examples_per_second": batch / us * 1e6, "torch": torch.__version__,
                "device": torch.cuda.get_device_name(0),
                "tf32": torch.backends.cuda.matmul.allow_tf32,
            }), flush=True)


def time_steps(mode, batch, steps, lr, features, labels):
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)).cuda()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    n = features.shape[0]
    order = torch.randperm(n, device=features.device)
    starts = [(s * batch) % (n - batch + 1) for s in range(steps + 20)]

    def step(index):
        loss = loss_fn(model(features[index]), labels[index])
        loss.backward()
        optimizer.step()
        return loss

    if mode == "eager":
        def run(s):
            optimizer.zero_grad(set_to_none=False)
            step(order[starts[s]:starts[s] + batch])
    else:
        # PyTorch's documented whole-network capture: warm up on a side stream, capture, then replay.
        static_index = order[:batch].clone()
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                optimizer.zero_grad(set_to_none=True)
                step(static_index)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        optimizer.zero_grad(set_to_none=True)
        with torch.cuda.graph(graph):
            step(static_index)

        def run(s):
            static_index.copy_(order[starts[s]:starts[s] + batch])
            graph.replay()

    for s in range(20):
        run(s)
    torch.cuda.synchronize()
    start = time.perf_counter()
    for s in range(steps):
        run(20 + s)
    torch.cuda.synchronize()
    return (time.perf_counter() - start) / steps * 1e6


if __name__ == "__main__":
    main()
