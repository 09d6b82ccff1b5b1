#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine: installs what the tests need, then `dotnet test`.
#   Fashion-MNIST (dataset-fashion-mnist)      the real-data training test
#   PyTorch + OpenBLAS (python3-torch, ...)    the independent reference for gradients
#   Chromium                                   renders the SVG diagrams in a headless browser
#   python3-onnx                               onnx.checker on our ONNX exports
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(dataset-fashion-mnist python3-torch python3-numpy libopenblas0-pthread chromium python3-onnx)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet test Backprop.slnx -c Release "$@"
