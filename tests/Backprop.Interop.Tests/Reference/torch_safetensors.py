"""PyTorch's side of the safetensors tests.

torch_safetensors.py load NET.safetensors X.csv OUT.json
    builds the nn.Sequential that the file's metadata describes, load_state_dict(strict=True), writes its outputs.
torch_safetensors.py statedict OUTDIR SEED DTYPE ACTIVATION
    saves a random nn.Sequential's state dict as DTYPE (F32, F16, BF16) safetensors without our metadata, with a
    batch and autograd's gradients (mse loss) of the weights as stored.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import st

ACTIVATIONS = {"identity": lambda l: nn.Identity(), "sigmoid": lambda l: nn.Sigmoid(), "tanh": lambda l: nn.Tanh(),
               "relu": lambda l: nn.ReLU(), "leaky_relu": lambda l: nn.LeakyReLU(l.get("slope", 0.01))}


def sequential(layers):
    return nn.Sequential(*[nn.Linear(l["inputs"], l["outputs"]) if l["type"] == "dense" else ACTIVATIONS[l["type"]](l) for l in layers])


def load(path, x_csv, out):
    tensors, metadata = st.load(path)
    network = json.loads(metadata["backprop.network"])
    model = sequential(network["layers"]).to(next(iter(tensors.values())).dtype)  # F64 files load without rounding
    model.load_state_dict(tensors, strict=True)
    model = model.double()
    x = torch.tensor(np.loadtxt(x_csv, delimiter=",", ndmin=2), dtype=torch.float64)
    with torch.no_grad():
        y = model(x)
    with open(out, "w") as f:
        json.dump({"outputs": y.tolist(), "loss": network["loss"], "names": sorted(tensors)}, f)


def statedict(out, seed, dtype, activation):
    torch.manual_seed(seed)
    sizes = [3, 5, 4, 2][: 2 + seed % 3]
    modules = []
    for i in range(len(sizes) - 1):
        if i > 0:
            modules.append(ACTIVATIONS[activation]({"slope": 0.1}))
        modules.append(nn.Linear(sizes[i], sizes[i + 1]))
    model = nn.Sequential(*modules)
    os.makedirs(out, exist_ok=True)
    stored = {k: v.to(st.DTYPES[dtype]) for k, v in model.state_dict().items()}
    st.save(stored, os.path.join(out, "model.safetensors"), {"format": "pt"})
    model.load_state_dict({k: v.float() for k, v in stored.items()})  # the reference uses the weights as stored
    x = torch.randn(4, sizes[0], requires_grad=True)
    target = torch.randn(4, sizes[-1])
    y = model(x)
    loss = F.mse_loss(y, target)
    loss.backward()
    np.savetxt(os.path.join(out, "x.csv"), x.detach().double().numpy(), delimiter=",", fmt="%.9g")
    np.savetxt(os.path.join(out, "t.csv"), target.double().numpy(), delimiter=",", fmt="%.9g")
    linears = [m for m in model if isinstance(m, nn.Linear)]
    with open(os.path.join(out, "ref.json"), "w") as f:
        json.dump({"loss": loss.item(), "outputs": y.tolist(), "inputs_grad": x.grad.tolist(),
                   "layers": [{"weights_grad": m.weight.grad.t().tolist(), "bias_grad": m.bias.grad.tolist()} for m in linears]}, f)


if __name__ == "__main__":
    if sys.argv[1] == "load":
        load(*sys.argv[2:5])
    else:
        statedict(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
