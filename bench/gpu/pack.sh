#!/usr/bin/env bash
# On a machine with the .NET SDK: packs the GPU benchmark (bench/Backprop.GpuBench: the core library and the
# GPU trainer, nothing else, so that it fits the carry limit) as a self-contained program for the GPU machine
# (.device/app.tar.xz, see ../shared/tools/device-pack) and copies Fashion-MNIST beside it, since the GPU
# machine does not have the Debian package. Then carry ".device" and run bench/gpu/run.sh there.
set -euo pipefail
cd "$(dirname "$0")/../.."
../shared/tools/device-pack bench/Backprop.GpuBench
mkdir -p .device/fashion-mnist
cp /usr/share/datasets/fashion-mnist/*-ubyte.gz .device/fashion-mnist/
du -sh .device | awk '{print "carry .device: " $1 " (the limit is 64 MiB)"}'
