#!/usr/bin/python3
"""Classification accuracy of a compiled model on a labelled data set: compile
(emlc compile MODEL + extra flags, e.g. --quantize=int8 --calibration ...),
build the C with -Werror, run it on every sample of X.npy (one sample per run,
the model input bound to batch 1) and compare the argmax with Y.npy. Exit 0
when the accuracy is at least --min-accuracy. Prints the float model's
accuracy alongside, compiled the same way without the extra flags."""
import argparse
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from emlc_testlib import Failure, build, compile_model, input_names, run  # noqa: E402


def accuracy(emlc, model, x, y, workdir, extra):
    name = input_names(model)[0]
    shape = "x".join(str(d) for d in (1,) + x.shape[1:])
    compile_model(emlc, model, workdir, extra=["--shape", f"{name}={shape}", *extra])
    exe = build(workdir)
    template = np.zeros((1, int(y.max()) + 1), dtype=np.float32)
    right = 0
    for i in range(len(x)):
        (out,), _ = run(exe, [x[i:i + 1].astype(np.float32)], [template], workdir)
        right += int(np.argmax(out) == y[i])
    return right / len(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc")
    ap.add_argument("model")
    ap.add_argument("x")
    ap.add_argument("y")
    ap.add_argument("--min-accuracy", type=float, required=True)
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    args = ap.parse_args(argv[:cut])
    extra = argv[cut + 1:]  # emlc compile flags, after --
    if not os.path.exists(args.model) or not os.path.exists(args.x):
        print(f"SKIP: {args.model} or {args.x} not found (../shared absent?)")
        return 77
    x, y = np.load(args.x), np.load(args.y)
    try:
        with tempfile.TemporaryDirectory() as d:
            reference = accuracy(args.emlc, args.model, x, y, d, [])
        with tempfile.TemporaryDirectory() as d:
            got = accuracy(args.emlc, args.model, x, y, d, extra)
    except Failure as f:
        print(f"FAIL {f.stage}: {f.message}")
        return 1
    ok = got >= args.min_accuracy
    print(f"{'ok  ' if ok else 'FAIL'} accuracy {got:.4f} on {len(x)} samples with {' '.join(extra)} "
          f"(limit {args.min_accuracy}; float model {reference:.4f})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
