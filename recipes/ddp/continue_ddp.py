# continue_ddp.py: go on training backprop's network with PyTorch's DistributedDataParallel
"""Launched by torchrun, one process per rank. Every rank starts from the same safetensors that
`backprop export` wrote, trains on its share of the CSV (a DistributedSampler), and DDP averages the gradients,
so the replicas stay equal; rank 0 saves the result as safetensors that `backprop import` reads back."""
import argparse
import hashlib
import json
import sys

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from safetensors_io import load, save, tensor_bytes

ACTIVATIONS = {"identity": nn.Identity, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}


def build(architecture):
    """An nn.Sequential with one module per backprop layer, so its state dict names (0.weight, 2.bias, ...) are the file's."""
    modules = []
    for layer in architecture["layers"]:
        kind = layer["type"]
        if kind == "dense":
            modules.append(nn.Linear(layer["inputs"], layer["outputs"]))
        elif kind == "leaky_relu":
            modules.append(nn.LeakyReLU(layer.get("slope", 0.01)))
        elif kind in ACTIVATIONS:
            modules.append(ACTIVATIONS[kind]())
        else:
            sys.exit(f"continue_ddp.py: layer type {kind!r} has no PyTorch module here")
    return nn.Sequential(*modules)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weights", required=True, help="safetensors from `backprop export --format safetensors`")
    parser.add_argument("--data", required=True, help="CSV, numbers only: the features, then the class label")
    parser.add_argument("--out", required=True, help="where rank 0 saves the trained network (safetensors)")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--batch", type=int, default=32, help="the global batch, split evenly over the ranks")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0, help="seed of the sampler's shuffle")
    args = parser.parse_args()

    dist.init_process_group("gloo")  # CPUs; "nccl" on GPUs. torchrun gives the rank, world size and address.
    rank, world = dist.get_rank(), dist.get_world_size()
    if args.batch % world:
        sys.exit(f"continue_ddp.py: --batch {args.batch} does not split evenly over {world} ranks")

    tensors, metadata = load(args.weights)
    if "backprop.network" not in metadata:
        sys.exit(f"continue_ddp.py: {args.weights} has no backprop.network metadata: write it with `backprop export --format safetensors`")
    architecture = json.loads(metadata["backprop.network"])
    if architecture.get("loss") != "cross_entropy":
        sys.exit(f"continue_ddp.py: the network's loss is {architecture.get('loss')!r}; this script trains cross_entropy")
    model = build(architecture)
    model.load_state_dict(tensors, strict=True)
    # DDP checks that every rank holds the same weights (rank 0's are broadcast) and all-reduces the gradients.
    ddp = nn.parallel.DistributedDataParallel(model)

    rows = np.loadtxt(args.data, delimiter=",", ndmin=2)
    dataset = TensorDataset(torch.tensor(rows[:, :-1], dtype=torch.float32), torch.tensor(rows[:, -1], dtype=torch.long))
    # Each rank draws its own share of every epoch's shuffle; set_epoch gives each epoch a new one.
    sampler = DistributedSampler(dataset, num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    loader = DataLoader(dataset, batch_size=args.batch // world, sampler=sampler)
    optimizer = torch.optim.Adam(ddp.parameters(), lr=args.lr)
    if rank == 0:
        with torch.no_grad():  # backprop's own loss on the same rows: the weights came over as they were
            start = nn.functional.cross_entropy(model(dataset.tensors[0]), dataset.tensors[1]).item()
        print(f"starting loss {start:.6g} on {len(dataset)} rows, {world} ranks", flush=True)

    for epoch in range(1, args.epochs + 1):
        sampler.set_epoch(epoch)
        total = torch.zeros(2, dtype=torch.float64)  # loss × examples, examples: summed over the ranks below
        for x, y in loader:
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(ddp(x), y)
            loss.backward()  # DDP averages the gradients of all ranks here
            optimizer.step()
            total += torch.tensor([loss.item() * len(y), len(y)], dtype=torch.float64)
        dist.all_reduce(total)
        if rank == 0 and (epoch == 1 or epoch % max(1, args.epochs // 5) == 0):
            print(f"epoch {epoch}/{args.epochs}: loss {total[0] / total[1]:.4f}", flush=True)

    # ddp.state_dict() names every tensor "module.0.weight", ...; backprop (and a plain model) wants "0.weight".
    state = {name.removeprefix("module."): tensor for name, tensor in ddp.state_dict().items()}
    # The fingerprint of exactly the bytes save writes, so each rank's can be checked against the file.
    digest = hashlib.sha256(b"".join(tensor_bytes(t)[1] for t in state.values())).hexdigest()
    print(f"rank {rank} of {world}: final weights sha256 {digest}", flush=True)
    digests = [None] * world
    dist.all_gather_object(digests, digest)
    if rank == 0:
        if len(set(digests)) != 1:
            sys.exit(f"continue_ddp.py: the replicas' weights differ: {digests}")
        save(args.out, state, metadata)  # the same architecture and loss: `backprop import` needs no flags
        print(f"replicas agree ({world} ranks); saved {args.out}", flush=True)
    # DDP holds the process group: free it before the group, or gloo (torch 1.13) may hang at exit.
    del ddp
    dist.barrier()  # no rank leaves while another still talks to it
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
