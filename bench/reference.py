#!/usr/bin/python3
"""Reference measurements for bench/Backprop.Bench: PyTorch and numpy/OpenBLAS on the same tasks.

Usage: reference.py MODE [options]; prints one JSON object on stdout.
  check                               which references are installed
  train --batch B --epochs E          Fashion-MNIST MLP 784-256-128-10, ReLU, cross-entropy, SGD lr 0.1
  tiny --steps N --repeats R          training step of the 2-2-1 sigmoid network, batch 2
  mlp1 --steps N --repeats R          training step of the MLP at batch 1
  gemm --shape MxNxK --repeats R      float32 matrix product with numpy (OpenBLAS); --transpose-a: Aᵀ·B (A is k×m); --transpose-b: A·Bᵀ
  scale --batch B --width W           training step of the MLP 784-W-W-10 (examples/s, peak RSS of the step)
  phases --batch B                    per-phase times (forward, loss, backward, optimizer) of the 784-256-128-10 step
  infer --batch B                     forward pass of 784-256-128-10 under torch.inference_mode()
Threads: --threads T (torch.set_num_threads and OPENBLAS_NUM_THREADS, set before numpy loads).

The benchmark runs this script as `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 reference.py`:
a machine may set those variables to hold OpenBLAS to an older kernel (AVX2 on an AVX-512 CPU); the fair
reference runs OpenBLAS's own choice. `check` reports the kernel OpenBLAS picked.
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("mode")
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--batch", type=int, default=128)
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--warmup-batches", type=int, default=50)
parser.add_argument("--steps", type=int, default=1000)
parser.add_argument("--repeats", type=int, default=5)
parser.add_argument("--shape", default="128x256x784")
parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--width", type=int, default=256)
parser.add_argument("--transpose-a", action="store_true")
parser.add_argument("--transpose-b", action="store_true")
parser.add_argument("--seconds", type=float, default=0.5)
args = parser.parse_args()
os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
os.environ["OMP_NUM_THREADS"] = str(args.threads)

import numpy as np  # noqa: E402


def status_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb():
    return status_mb("VmHWM")


def reset_peak_rss():
    """Linux: writing 5 to clear_refs resets VmHWM to the current RSS, so a peak can be taken per measurement."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def openblas():
    """The OpenBLAS that numpy (and Debian's PyTorch, through libblas.so.3) loaded: its kernel and build line."""
    import ctypes
    paths = sorted({line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line and ".so" in line})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return {"openblas_kernel": lib.openblas_get_corename().decode(), "openblas_config": lib.openblas_get_config().decode(),
                    "openblas_path": path}
        except (OSError, AttributeError):
            continue
    return {"openblas_kernel": None}


def emit(result):
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def torch_or_exit():
    try:
        import torch
    except ImportError:
        emit({"error": "PyTorch is not installed (apt-get install python3-torch libopenblas0-pthread)"})
        sys.exit(0)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    return torch


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mlp(torch, sizes):
    layers = []
    for i in range(len(sizes) - 1):
        if i > 0:
            layers.append(torch.nn.ReLU())
        linear = torch.nn.Linear(sizes[i], sizes[i + 1])
        torch.nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")  # He, as the C# side
        torch.nn.init.zeros_(linear.bias)
        layers.append(linear)
    return torch.nn.Sequential(*layers)


def train():
    torch = torch_or_exit()
    x_train = torch.from_numpy(idx(f"{args.data}/train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255)
    y_train = torch.from_numpy(idx(f"{args.data}/train-labels-idx1-ubyte.gz").astype(np.int64))
    x_test = torch.from_numpy(idx(f"{args.data}/t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255)
    y_test = torch.from_numpy(idx(f"{args.data}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    model = mlp(torch, [784, 256, 128, 10])
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    n = x_train.shape[0]
    timed_seconds, timed_samples, step = 0.0, 0, 0
    for _ in range(args.epochs):
        order = torch.randperm(n)
        start = None
        for b in range(0, n, args.batch):
            if step == args.warmup_batches or (step > args.warmup_batches and b == 0):
                start, counted_from = time.perf_counter(), b
            index = order[b:b + args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_train[index]), y_train[index])
            loss.backward()
            optimizer.step()
            step += 1
        if start is not None:
            timed_seconds += time.perf_counter() - start
            timed_samples += n - counted_from
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    emit({"samples_per_second": timed_samples / timed_seconds, "test_accuracy": accuracy,
          "train_loss": loss.item(), "torch": torch.__version__})


def time_steps(step):
    for _ in range(max(100, args.steps // 5)):
        step()
    per_step = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(args.steps):
            step()
        per_step.append((time.perf_counter() - start) / args.steps)
    return statistics.median(per_step)


def step_of(torch, model, x, t, loss_fn):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(x), t).backward()
        optimizer.step()
    return step


def tiny():
    torch = torch_or_exit()
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 1), torch.nn.Sigmoid())
    x = torch.tensor([[0.05, 0.10], [0.60, 0.90]])
    t = torch.tensor([[0.01], [0.99]])
    seconds = time_steps(step_of(torch, model, x, t, torch.nn.MSELoss()))
    emit({"step_us": seconds * 1e6, "torch": torch.__version__})


def mlp1():
    torch = torch_or_exit()
    model = mlp(torch, [784, 256, 128, 10])
    x = torch.rand(1, 784)
    t = torch.tensor([3])
    seconds = time_steps(step_of(torch, model, x, t, torch.nn.CrossEntropyLoss()))
    emit({"step_us": seconds * 1e6, "torch": torch.__version__})


def gemm():
    m, n, k = (int(v) for v in args.shape.split("x"))
    rng = np.random.default_rng(1)
    a = rng.standard_normal((k, m) if args.transpose_a else (m, k), dtype=np.float32)
    a = a.T if args.transpose_a else a  # a view: OpenBLAS gets the transpose flag, as for Xᵀ·Δ in training
    b = rng.standard_normal((n, k) if args.transpose_b else (k, n), dtype=np.float32)
    b = b.T if args.transpose_b else b  # Δ·Wᵀ: W seen transposed
    c = np.empty((m, n), dtype=np.float32)
    flops = 2.0 * m * n * k
    reps = max(3, int(2e8 / flops))  # at least 3 products and 2e8 FLOP (about 0.5 ms here) per measurement
    for _ in range(reps):
        np.matmul(a, b, out=c)
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        times.append((time.perf_counter() - start) / reps)
    emit({"gflops": flops / statistics.median(times) / 1e9, "gflops_best": flops / min(times) / 1e9,
          "numpy": np.__version__, **openblas()})


def check():
    try:
        import torch
        capability = next((line.split(":", 1)[1].strip() for line in torch.__config__.show().splitlines()
                           if "CPU capability usage" in line), None)
        emit({"torch": torch.__version__, "numpy": np.__version__, "torch_cpu_capability": capability, **openblas()})
    except ImportError:
        emit({"torch": None, "numpy": np.__version__, **openblas()})


def timed(step, seconds):
    """Seconds per call in the best of 9 chunks of at least `seconds`/9, after a warm-up of 2 calls: on a shared
    machine the quickest chunk is the one least disturbed by neighbours (Workload.Time does the same)."""
    step()
    step()
    start = time.perf_counter()
    step()
    once = max(time.perf_counter() - start, 1e-7)
    calls = max(1, int(seconds / 9 / once))
    chunks = []
    for _ in range(9):
        start = time.perf_counter()
        for _ in range(calls):
            step()
        chunks.append((time.perf_counter() - start) / calls)
    return min(chunks)


def scale():
    torch = torch_or_exit()
    model = mlp(torch, [784, args.width, args.width, 10])
    x = torch.rand(args.batch, 784)
    t = torch.randint(0, 10, (args.batch,))
    step = step_of(torch, model, x, t, torch.nn.CrossEntropyLoss())
    step()
    reset_peak_rss()
    seconds = timed(step, args.seconds)
    emit({"examples_per_second": args.batch / seconds, "torch": torch.__version__})


def phases():
    torch = torch_or_exit()
    model = mlp(torch, [784, 256, 128, 10])
    x = torch.rand(args.batch, 784)
    t = torch.randint(0, 10, (args.batch,))
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    samples = {"forward": [], "loss": [], "backward": [], "optimizer": []}
    steps = max(20, int(2000 / args.batch))
    for i in range(steps + 10):
        t0 = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        y = model(x)
        t1 = time.perf_counter()
        loss = loss_fn(y, t)
        t2 = time.perf_counter()
        loss.backward()
        t3 = time.perf_counter()
        optimizer.step()
        t4 = time.perf_counter()
        if i >= 10:
            for name, d in zip(samples, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                samples[name].append(d)
    emit({name + "_us": 1e6 * statistics.median(v) for name, v in samples.items()})


def infer():
    torch = torch_or_exit()
    model = mlp(torch, [784, 256, 128, 10])
    x = torch.rand(args.batch, 784)
    with torch.inference_mode():
        seconds = timed(lambda: model(x), args.seconds)
    emit({"us": seconds * 1e6, "torch": torch.__version__})


{"train": train, "tiny": tiny, "mlp1": mlp1, "gemm": gemm, "check": check, "scale": scale, "phases": phases,
 "infer": infer}[args.mode]()
