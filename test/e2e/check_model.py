#!/usr/bin/python3
"""End-to-end check of one model folder (model.onnx + test_data_set_N):
compile with emlc (binding every input's shape from the reference data, as a
user would with --shape), build the C with -Werror, run every data set and
require max|got - ref| <= rel_tol * max|ref| per output (floats) or equality
(integers); with --sanitize, the C runs under ASan+UBSan and any report fails.
Exit 0 on success; prints one line per data set."""
import argparse
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from emlc_testlib import SANITIZE_FLAGS, Failure, build, compile_model, dataset, input_names, run, shape_args  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc")
    ap.add_argument("model_dir")
    ap.add_argument("--target", default="generic")
    ap.add_argument("--rel-tol", type=float, default=1e-4)
    ap.add_argument("--abs-tol", type=float, default=0.0,
                    help="float outputs: also accept errors up to this (e.g. k output LSBs of a quantized model)")
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--emlc-arg", action="append", default=[],
                    help="an extra emlc compile argument, repeatable, e.g. --emlc-arg=--no-fuse")
    ap.add_argument("--sanitize", action="store_true",
                    help="build the emitted C with -fsanitize=address,undefined -fno-sanitize-recover=all: any "
                         "report fails")
    args = ap.parse_args()
    if not os.path.isdir(args.model_dir):
        print(f"SKIP: {args.model_dir} not found (../shared absent?)")
        return 77
    model_path = os.path.join(args.model_dir, "model.onnx")
    sets = sorted((d for d in os.listdir(args.model_dir) if d.startswith("test_data_set_")),
                  key=lambda d: int(d.rsplit("_", 1)[1]))
    ins0, _ = dataset(os.path.join(args.model_dir, sets[0]))
    shapes = shape_args(input_names(model_path), ins0)
    ok = True
    with tempfile.TemporaryDirectory() as d:
        try:
            compile_model(args.emlc, model_path, d, target=args.target, extra=shapes + args.emlc_arg)
            exe = build(d, cc=args.cc, extra_flags=SANITIZE_FLAGS if args.sanitize else ())
        except Failure as f:
            print(f"FAIL {os.path.basename(args.model_dir)}: {f.stage}: {f.message}")
            return 1
        for s in sets:
            ins, want = dataset(os.path.join(args.model_dir, s))
            try:
                got, _ = run(exe, ins, want, d)
            except Failure as f:
                print(f"FAIL {s}: {f.stage}: {f.message}")
                ok = False
                continue
            for k, (g, w) in enumerate(zip(got, want)):
                if w.dtype.kind == "f":
                    err = float(np.max(np.abs(g.astype(np.float64) - w))) if w.size else 0.0
                    ref = float(np.max(np.abs(w))) if w.size else 0.0
                    limit = max(args.rel_tol * max(ref, 1e-30), args.abs_tol)
                    good = err <= limit
                    print(f"{'ok  ' if good else 'FAIL'} {s} output {k}: max abs err {err:.3g} "
                          f"(limit {limit:.3g}: {args.rel_tol:g} x max|ref| {ref:.4g}, or {args.abs_tol:g})")
                    if w.ndim == 2 and w.shape[1] > 1 and args.abs_tol > 0:  # a classifier: same top-1 class
                        same = int(np.sum(g.argmax(1) == w.argmax(1)))
                        good = good and same == w.shape[0]
                        print(f"{'ok  ' if same == w.shape[0] else 'FAIL'} {s} output {k}: top-1 class equal "
                              f"on {same} of {w.shape[0]} rows")
                else:
                    good = np.array_equal(g, w)
                    diff = int(np.sum(g != w))
                    print(f"{'ok  ' if good else 'FAIL'} {s} output {k}: {diff} of {w.size} values differ")
                ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
