#!/usr/bin/python3
"""Compile time of every shared model: one or more emlc binaries measured
alternately (A B A B ...) in the same window, the median of N runs each, so a
refactor can be checked against the binary before it.

usage: bench/compile_time.py EMLC [EMLC2 ...] [--runs 5] [--target cortex-m4] [--models a,b] [--instructions]
Prints a table of milliseconds per model and binary (wall clock of `emlc compile`,
output to a temporary folder), and for two binaries the ratio second/first.
With --instructions, executed instructions instead (valgrind --tool=callgrind,
one run each): repeatable where milliseconds of a 40 ms compile are not."""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "models")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from emlc_testlib import dataset, input_names, shape_args  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc", nargs="+")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--target", default="cortex-m4")
    ap.add_argument("--models", default="")
    ap.add_argument("--instructions", action="store_true", help="count instructions with callgrind instead")
    args = ap.parse_args()
    if not os.path.isdir(SHARED):
        print("SKIP: ../shared/models not found")
        return 77
    models = sorted(m for m in os.listdir(SHARED) if os.path.isfile(os.path.join(SHARED, m, "model.onnx")))
    if args.models:
        models = [m for m in models if m in args.models.split(",")]
    out = tempfile.mkdtemp(prefix="emlc-ctime-")
    rows = []
    try:
        for m in models:
            model = os.path.join(SHARED, m, "model.onnx")
            ins0, _ = dataset(os.path.join(SHARED, m, "test_data_set_0"))
            cmdtail = [model, "-o", out, "--target", args.target, *shape_args(input_names(model), ins0)]
            times = [[] for _ in args.emlc]
            for _ in range(1 if args.instructions else args.runs):
                for i, e in enumerate(args.emlc):
                    if args.instructions:
                        r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/cg",
                                            e, "compile", *cmdtail], check=True, capture_output=True, text=True)
                        times[i].append(int(re.search(r"Collected : (\d+)", r.stderr).group(1)) / 1e6)
                        continue
                    t0 = time.perf_counter()
                    subprocess.run([e, "compile", *cmdtail], check=True, capture_output=True)
                    times[i].append((time.perf_counter() - t0) * 1000)
            rows.append((m, [statistics.median(t) for t in times]))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    unit = "Minsn" if args.instructions else "ms"
    head = f"{'model':48}" + "".join(f"{unit + ' #' + str(i + 1):>10}" for i in range(len(args.emlc)))
    if len(args.emlc) == 2:
        head += f"{'#2/#1':>8}"
    what = "executed instructions (millions, callgrind)" if args.instructions else f"median of {args.runs} (ms)"
    print(f"compile time, {what}, target {args.target}")
    print(head)
    for m, med in rows:
        line = f"{m:48}" + "".join(f"{v:10.1f}" for v in med)
        if len(med) == 2:
            line += f"{med[1] / med[0]:8.3f}"
        print(line)
    if len(args.emlc) == 2:
        ratios = [med[1] / med[0] for _, med in rows]
        print(f"ratio #2/#1: median {statistics.median(ratios):.3f}, max {max(ratios):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
