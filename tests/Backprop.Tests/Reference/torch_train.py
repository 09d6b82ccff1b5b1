"""Independent reference for training: the same network, batches and SGD steps run by PyTorch.

usage: torch_train.py < request.json  -> JSON on stdout: {"losses": [per step], "weights": [[W, b] per dense layer]}
request: {"network": <backprop.network/1 object with weights>, "dtype": "float64"|"float32",
          "x": rows, "t": rows (class index per row for cross_entropy), "steps": [[row indices] per step],
          "lr", "momentum", "weight_decay"}
Weights in the network format are inputs x outputs (Z = X W + b): plain tensors and matmul, no nn.Linear.
"""
import json
import sys

import torch


def main():
    req = json.load(sys.stdin)
    dtype = {"float64": torch.float64, "float32": torch.float32}[req["dtype"]]
    layers, params = [], []
    for layer in req["network"]["layers"]:
        if layer["type"] == "dense":
            w = torch.tensor(layer["weights"], dtype=dtype, requires_grad=True)
            b = torch.tensor(layer["bias"], dtype=dtype, requires_grad=True)
            params += [w, b]
            layers.append((w, b))
        else:
            layers.append(layer["type"])
    acts = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "identity": lambda v: v}
    x_all = torch.tensor(req["x"], dtype=dtype)
    t_all = torch.tensor(req["t"], dtype=dtype)
    loss_name = req["network"]["loss"]
    opt = torch.optim.SGD(params, lr=req["lr"], momentum=req["momentum"], weight_decay=req["weight_decay"])
    losses = []
    for rows in req["steps"]:
        h = x_all[rows]
        for layer in layers:
            h = h @ layer[0] + layer[1] if isinstance(layer, tuple) else acts[layer](h)
        t = t_all[rows]
        if loss_name == "cross_entropy":
            loss = torch.nn.functional.cross_entropy(h, t[:, 0].long())
        elif loss_name == "mse":
            loss = torch.nn.functional.mse_loss(h, t)
        elif loss_name == "half_sse":
            loss = 0.5 * ((h - t) ** 2).sum()
        else:
            raise SystemExit("unknown loss " + loss_name)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    weights = [[layer[0].detach().tolist(), layer[1].detach().tolist()] for layer in layers if isinstance(layer, tuple)]
    json.dump({"losses": losses, "weights": weights}, sys.stdout)


if __name__ == "__main__":
    main()
