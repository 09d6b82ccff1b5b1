"""Independent reference for the optimizers: torch.optim.SGD / torch.optim.Adam fed given gradients.

usage: torch_optim.py < request.json  -> JSON on stdout: the parameters after each step.
request: {"optimizer": "sgd"|"adam", "dtype": "float64"|"float32", "lr", "momentum", "weight_decay",
          "betas", "eps", "params": [matrix, ...], "grads": [[matrix, ...] per step]}
"""
import json
import sys

import torch


def main():
    req = json.load(sys.stdin)
    dtype = {"float64": torch.float64, "float32": torch.float32}[req["dtype"]]
    params = [torch.tensor(p, dtype=dtype, requires_grad=True) for p in req["params"]]
    if req["optimizer"] == "sgd":
        opt = torch.optim.SGD(params, lr=req["lr"], momentum=req["momentum"], weight_decay=req["weight_decay"])
    elif req["optimizer"] == "adam":
        opt = torch.optim.Adam(params, lr=req["lr"], betas=tuple(req["betas"]), eps=req["eps"],
                               weight_decay=req["weight_decay"])
    else:
        raise SystemExit("unknown optimizer " + req["optimizer"])
    history = []
    for grads in req["grads"]:
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g, dtype=dtype)
        opt.step()
        history.append([p.detach().tolist() for p in params])
    json.dump(history, sys.stdout)


if __name__ == "__main__":
    main()
