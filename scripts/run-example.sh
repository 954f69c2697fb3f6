#!/usr/bin/env bash
# The main job on the bundled example: install what is missing, build emlc,
# compile examples/mnist for the default target, build the emitted C with the
# host compiler, run it on the bundled input and show outputs vs. reference.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
out=build/example-mnist
rm -rf "$out"
echo
echo "\$ build/bin/emlc compile examples/mnist/model.onnx -o $out --name mnist"
build/bin/emlc compile examples/mnist/model.onnx -o "$out" --name mnist
echo
echo "emitted: $(cd "$out" && ls | tr '\n' ' ')"
gcc -std=c99 -O2 -Wall -Wextra -pedantic -Werror -I "$out" -DEMLC_MODEL_HEADER='"mnist.h"' -DEMLC_RUN=mnist_run \
    test/e2e/harness.c "$out"/mnist.c "$out"/mnist_weights.c -lm -o "$out/run_mnist"
/usr/bin/python3 - "$out" <<'PY'
import os, subprocess, sys
import numpy as np
sys.path.insert(0, "scripts")
from emlc_testlib import dataset, run
out = sys.argv[1]
ins, want = dataset("examples/mnist/test_data_set_0")
(got,), _ = run(os.path.join(out, "run_mnist"), ins, want, out)
print("\nclass   emlc output    reference")
for k, (g, w) in enumerate(zip(got.ravel(), want[0].ravel())):
    print(f"{k:>5} {g:>13.5f} {w:>12.5f}")
err = float(np.max(np.abs(got - want[0])))
print(f"\npredicted digit {int(np.argmax(got))} (reference {int(np.argmax(want[0]))}); "
      f"max abs error {err:.2e} = {err / np.max(np.abs(want[0])):.1e} of max|ref|")
PY
