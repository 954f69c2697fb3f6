#!/usr/bin/python3
"""Classification accuracy of a compiled model on a labelled data set: compile
(emlc compile MODEL + extra flags, e.g. --quantize=int8 --calibration ...),
build the C with -Werror and run it on every sample (the model input bound
to batch 1; all samples in one process) and compare the argmax with the
labels. Prints the float model's accuracy alongside, compiled the same way
without the extra flags. Exit 0 when the accuracy is at least --min-accuracy
and at most --max-drop below the float model's.

usage: check_accuracy.py EMLC MODEL (X.npy Y.npy | --data fashion-mnist-test) [--target T] [--min-accuracy A]
                         [--max-drop PP] [--float-accuracy A] [-- emlc compile flags]"""
import argparse
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import datasets  # noqa: E402
from emlc_testlib import Failure, build, compile_model, input_names, run_samples  # noqa: E402


def predictions(emlc, model, x, classes, workdir, extra, target="generic"):
    """The classes the emitted C (compiled with `extra`) predicts for each sample of x."""
    name = input_names(model)[0]
    shape = "x".join(str(d) for d in (1,) + x.shape[1:])
    compile_model(emlc, model, workdir, target=target, extra=["--shape", f"{name}={shape}", *extra])
    exe = build(workdir)
    template = np.zeros((1, classes), dtype=np.float32)
    out = run_samples(exe, x.astype(np.float32), template, workdir)
    return out.reshape(len(x), -1).argmax(axis=1)


def accuracy(emlc, model, x, y, workdir, extra, target="generic"):
    return float(np.mean(predictions(emlc, model, x, int(y.max()) + 1, workdir, extra, target) == y))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("emlc")
    ap.add_argument("model")
    ap.add_argument("x", nargs="?")
    ap.add_argument("y", nargs="?")
    ap.add_argument("--data", help="a data set by name (fashion-mnist-test) instead of X.npy Y.npy")
    ap.add_argument("--target", default="generic",
                    help="compile the flags' model for this target (its kernels' portable C runs here): what it "
                    "chooses for the target (pruned channels, kernels) is scored; the float model stays generic")
    ap.add_argument("--min-accuracy", type=float, default=0.0)
    ap.add_argument("--max-drop", type=float, default=None, help="percentage points below the float model, at most")
    ap.add_argument("--float-accuracy", type=float, default=None,
                    help="the float model's accuracy as its trainer measured it (MANIFEST.md): the C must match it")
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    args = ap.parse_args(argv[:cut])
    extra = argv[cut + 1:]  # emlc compile flags, after --
    data = args.data or f"{args.x},{args.y}"
    if not os.path.exists(args.model) or not datasets.available(data):
        print(f"SKIP: {args.model} or the data ({data}) not found (../shared absent? dataset-fashion-mnist?)")
        return 77
    x, y = datasets.load_set(data)
    try:
        with tempfile.TemporaryDirectory() as d:
            reference = accuracy(args.emlc, args.model, x, y, d, [])
        with tempfile.TemporaryDirectory() as d:
            got = accuracy(args.emlc, args.model, x, y, d, extra, args.target) if extra or args.target != "generic" \
                else reference
    except Failure as f:
        print(f"FAIL {f.stage}: {f.message}")
        return 1
    drop = 100 * (reference - got)
    ok = got >= args.min_accuracy and (args.max_drop is None or drop <= args.max_drop)
    if args.float_accuracy is not None and abs(reference - args.float_accuracy) > 0.5 / len(x):
        print(f"FAIL the float model's C scores {reference:.4f}, its trainer measured {args.float_accuracy:.4f}")
        ok = False
    print(f"{'ok  ' if ok else 'FAIL'} accuracy {got:.4f} on {len(x)} samples with {' '.join(extra) or 'no flags'} "
          f"(float model {reference:.4f}, {drop:+.2f} pp; limits: >= {args.min_accuracy}"
          f"{'' if args.max_drop is None else f', drop <= {args.max_drop} pp'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
