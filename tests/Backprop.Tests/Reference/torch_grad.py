"""Independent reference for `backprop grad`: the same network, loss and gradients computed by PyTorch.

usage: torch_grad.py NET.json X.csv T.csv  -> JSON on stdout, shaped like `backprop grad`'s output.
Weights in the network format are inputs x outputs (Z = X W + b); torch.nn.Linear stores the transpose,
so plain tensors and matmul are used here instead.
"""
import json
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)


def read_csv(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                rows.append([float(v) for v in line.split(",")])
            except ValueError:
                if rows:
                    raise
    return torch.tensor(rows)


def main():
    net = json.load(open(sys.argv[1]))
    x = read_csv(sys.argv[2]).requires_grad_(True)
    t = read_csv(sys.argv[3])
    params = []
    h = x
    for layer in net["layers"]:
        kind = layer["type"]
        if kind == "dense":
            w = torch.tensor(layer["weights"]).requires_grad_(True)
            b = torch.tensor(layer["bias"]).requires_grad_(True)
            params.append((w, b))
            h = h @ w + b
        else:
            params.append(None)
            h = {
                "identity": lambda v: v,
                "sigmoid": torch.sigmoid,
                "tanh": torch.tanh,
                "relu": torch.relu,
                "leaky_relu": lambda v: torch.nn.functional.leaky_relu(v, layer.get("slope", 0.01)),
            }[kind](h)
    y = h
    loss_name = net.get("loss", "half_sse")
    if loss_name == "sse":
        loss = ((y - t) ** 2).sum()
    elif loss_name == "half_sse":
        loss = 0.5 * ((y - t) ** 2).sum()
    elif loss_name == "mse":
        loss = torch.nn.functional.mse_loss(y, t)
    elif loss_name == "cross_entropy":
        target = t[:, 0].long() if t.shape[1] == 1 and y.shape[1] > 1 else t
        loss = torch.nn.functional.cross_entropy(y, target)
    elif loss_name == "bce_with_logits":
        loss = torch.nn.functional.binary_cross_entropy_with_logits(y, t)
    else:
        raise SystemExit("unknown loss " + loss_name)
    loss.backward()
    layers = []
    for i, (layer, p) in enumerate(zip(net["layers"], params)):
        entry = {"index": i, "type": layer["type"]}
        if p is not None:
            entry["weights_grad"] = p[0].grad.tolist()
            entry["bias_grad"] = p[1].grad.tolist()
        layers.append(entry)
    json.dump({"loss": loss.item(), "outputs": y.tolist(), "layers": layers, "inputs_grad": x.grad.tolist()}, sys.stdout)


if __name__ == "__main__":
    main()
