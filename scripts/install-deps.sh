#!/usr/bin/env bash
# Installs the Debian 12 packages emlc needs, only those missing (see
# ../shared/recipes/toolchain.md for why each is there).
set -euo pipefail
PKGS=(cmake ninja-build ccache g++ clang-19 llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools
      libonnx-dev protobuf-compiler libprotobuf-dev libonnx-testdata libcli11-dev libfmt-dev catch2
      clang-format-19 clang-tidy-19 python3-numpy python3-onnx python3-jsonschema
      # accuracy of the emitted C on Fashion-MNIST's 10,000 test images (IDX files)
      dataset-fashion-mnist
      # emlc verify / bench/mcu.py: cross toolchains with picolibc, and QEMU for Cortex-M and RISC-V; qemu-user's
      # qemu-x86_64 counts the x86 targets' instructions (bench/cost_model.py)
      gcc-arm-none-eabi picolibc-arm-none-eabi gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
      qemu-system-arm qemu-system-misc qemu-user
      # test/e2e/check_onnx_export.py runs emlc prune's ONNX output in ONNX Runtime (onnxruntime-node, from npm)
      nodejs
      # test/e2e/check_fit.py renders emlc fit's SVG plot
      librsvg2-bin
      # clang-19's libFuzzer and sanitizer runtimes: the fuzz target (scripts/build-fuzz.sh, EMLC_FUZZ=ON)
      libclang-rt-19-dev)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
else
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# ONNX Runtime for test/e2e/check_onnx_export.py: the npm package's CPU build, into test/e2e/ort/node_modules
# (gitignored); the skip flag keeps its install script from downloading GPU builds.
ort_dir="$(dirname "$0")/../test/e2e/ort"
if [ ! -d "$ort_dir/node_modules/onnxruntime-node" ]; then
  # NodeSource's nodejs package brings npm; Debian's does not (and its npm package conflicts with NodeSource's).
  if ! command -v npm >/dev/null; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  echo "install-deps: npm install onnxruntime-node into test/e2e/ort"
  mkdir -p "$ort_dir"
  npm install --prefix "$ort_dir" --no-save --no-audit --no-fund onnxruntime-node --onnxruntime-node-install=skip \
    >/dev/null
fi
