# make_data.py: two interleaved spirals, the label in the last column; a training file and a held-out file
import argparse

import numpy as np

parser = argparse.ArgumentParser(description="Writes spirals-train.csv and spirals-test.csv (a fresh draw).")
parser.add_argument("--points", type=int, default=200, help="training points per class (the held-out file has half)")
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

rng = np.random.default_rng(args.seed)


def spirals(per_class):
    rows = []
    for label in (0, 1):
        r = rng.uniform(0.1, 1, per_class)
        a = 2 * np.pi * r + label * np.pi
        x = 2 * r * np.cos(a) + rng.normal(0, 0.05, per_class)
        y = 2 * r * np.sin(a) + rng.normal(0, 0.05, per_class)
        rows += [(x[i], y[i], label) for i in range(per_class)]
    return rows


np.savetxt("spirals-train.csv", spirals(args.points), delimiter=",", fmt=("%.6f", "%.6f", "%d"))
np.savetxt("spirals-test.csv", spirals(args.points // 2), delimiter=",", fmt=("%.6f", "%.6f", "%d"))
print(f"spirals-train.csv: {2 * args.points} rows, spirals-test.csv: {2 * (args.points // 2)} rows")
