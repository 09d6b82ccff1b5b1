"""Seeded random nn.Sequential MLPs exported by torch.onnx.export, with torch autograd's gradients as the reference.

usage: torch_onnx_cases.py OUTDIR SEED...   writes OUTDIR/SEED/{model.onnx, x.csv, t.csv, ref.json}
Cases cover both Linear forms (Gemm from nn.Linear, MatMul + Add from x @ Wᵀ + b), Linear without bias, every
activation, a leading Flatten, a trailing Softmax/LogSoftmax (the cross-entropy loss) and opsets 13 to 17.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class MatMulLinear(nn.Module):
    """A Linear layer written as x @ Wᵀ + b, which torch exports as MatMul + Add instead of Gemm."""

    def __init__(self, inputs, outputs, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(outputs, inputs) * 0.7)
        self.bias = nn.Parameter(torch.randn(outputs) * 0.5) if bias else None

    def forward(self, x):
        y = torch.matmul(x, self.weight.t())
        return y + self.bias if self.bias is not None else y


def activation(k, rng):
    return [nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.LeakyReLU(float(rng.choice([0.1, 0.3]))), nn.Identity()][k % 5]


def case(seed, out):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    opset = [13, 17, 14, 15, 16, 13, 17][seed % 7]
    depth = 1 + seed % 3
    head = ["none", "logsoftmax", "softmax"][seed % 3]
    sizes = [int(rng.integers(1, 7)) for _ in range(depth + 1)]
    if head != "none":
        sizes[-1] = max(2, sizes[-1])
    flatten = seed % 4 == 0
    if flatten:
        sizes[0] = 2 * max(1, sizes[0] // 2)
    modules = [nn.Flatten()] if flatten else []
    linears = []
    for l in range(depth):
        if l > 0:
            modules.append(activation(seed + l, rng))
        bias = not (seed % 5 == 0 and l == depth - 1)
        if (seed + l) % 2 == 0:
            m = nn.Linear(sizes[l], sizes[l + 1], bias=bias)
            with torch.no_grad():
                m.weight.mul_(2.0)
                if bias:
                    m.bias.uniform_(-0.5, 0.5)
        else:
            m = MatMulLinear(sizes[l], sizes[l + 1], bias=bias)
        modules.append(m)
        linears.append(m)
    if seed % 6 == 5:
        modules.append(activation(seed + depth, rng))  # an activation after the last layer
    logits = nn.Sequential(*modules)
    model = nn.Sequential(*modules, *([nn.LogSoftmax(dim=1)] if head == "logsoftmax" else [nn.Softmax(dim=-1)] if head == "softmax" else []))
    batch = 1 + seed % 5
    shape = [batch, 2, sizes[0] // 2] if flatten else [batch, sizes[0]]
    x = torch.randn(*shape)
    os.makedirs(out, exist_ok=True)
    torch.onnx.export(model, x, os.path.join(out, "model.onnx"), opset_version=opset, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})

    x.requires_grad_(True)
    y = logits(x)
    if head != "none":
        classes = torch.tensor(rng.integers(0, sizes[-1], size=batch))
        loss_name, loss = None, F.cross_entropy(y, classes)
        t = classes.double().reshape(-1, 1)
    else:
        target = torch.randn(batch, sizes[-1])
        loss_name = ["half_sse", "mse", "sse"][(seed // 3) % 3]
        loss = {"sse": ((y - target) ** 2).sum(), "half_sse": 0.5 * ((y - target) ** 2).sum(), "mse": F.mse_loss(y, target)}[loss_name]
        t = target
    loss.backward()
    np.savetxt(os.path.join(out, "x.csv"), x.detach().reshape(batch, -1).double().numpy(), delimiter=",", fmt="%.9g")
    np.savetxt(os.path.join(out, "t.csv"), t.detach().double().numpy(), delimiter=",", fmt="%.9g")
    ref = {
        "opset": opset, "loss_name": loss_name, "loss": loss.item(), "outputs": y.detach().tolist(),
        "layers": [{"weights_grad": m.weight.grad.t().tolist(), "bias_grad": m.bias.grad.tolist() if m.bias is not None else None} for m in linears],
        "inputs_grad": x.grad.reshape(batch, -1).tolist(),
    }
    with open(os.path.join(out, "ref.json"), "w") as f:
        json.dump(ref, f)


def unsupported(out):
    """A Softplus between the layers: refused, naming the node and its op."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Softplus(), nn.Linear(4, 2))
    torch.onnx.export(model, torch.randn(2, 3), out, opset_version=17, input_names=["input"], output_names=["output"])


def shared(out):
    """Two layers with equal weights: torch shares one initializer between them."""
    torch.manual_seed(0)
    a, b = nn.Linear(3, 3), nn.Linear(3, 3)
    b.load_state_dict(a.state_dict())
    torch.onnx.export(nn.Sequential(a, nn.Tanh(), b), torch.randn(2, 3), out, opset_version=17, input_names=["input"], output_names=["output"])


if __name__ == "__main__":
    root = sys.argv[1]
    for s in sys.argv[2:]:
        if s == "unsupported":
            unsupported(os.path.join(root, "unsupported.onnx"))
        elif s == "shared":
            shared(os.path.join(root, "shared.onnx"))
        else:
            case(int(s), os.path.join(root, s))
