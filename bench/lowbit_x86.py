#!/usr/bin/python3
"""Speed and exactness of the x86 AVX2 kernels for int4 and 2-bit weights
(issue 15): each float model is quantized with the same calibration to int8
(`--quantize=int8`) and to uniform int4 and int2 (`--precision`), compiled
for x86-64-avx2 (the AVX2 kernels: VPMADDWD int8, VPMADDUBSW low-bit) and
the low-bit ones also for x86-64 (the portable low-bit kernels of
targets/generic, SSE4.1 elsewhere), built with gcc -O2 and the target's
flags, and run on this host. Prints per model the median time of one
inference (test_data_set_0, --repeat runs after warm-up, the median of
--rounds rounds taken alternately) and the weight bytes, and checks that
each AVX2 low-bit build gives byte for byte the outputs of its portable
build on every sample (the 10,000 Fashion-MNIST test images for the
fashion models, else the calibration samples). Exit 1 on a difference or a
failed build.

usage: bench/lowbit_x86.py [build/bin/emlc] [--models fashion-mlp,ic] [--repeat N] [--rounds R] [--json FILE]"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import datasets  # noqa: E402
import target_desc  # noqa: E402
from emlc_testlib import (Failure, build, compile_model, dataset, input_names, perturbed_calibration, run,  # noqa: E402
                          run_samples, shape_args)

MODELS = {
    "fashion-mlp": "fashion-mlp-fp32",
    "fashion-cnn": "fashion-cnn-fp32",
    "fashion-dscnn": "fashion-dscnn-fp32",
    "ic": "mlperftiny-ic-resnet8-fp32",
    "kws": "mlperftiny-kws-dscnn-fp32-int8weights",
    "ad": "mlperftiny-ad-fc-autoencoder-fp32",
}
# (column, target, quantization flags); the portable builds are the references of the AVX2 ones.
BUILDS = [("int8 avx2", "x86-64-avx2", ["--quantize=int8"]),
          ("int4 avx2", "x86-64-avx2", ["--precision", "int4"]),
          ("int4 portable", "x86-64", ["--precision", "int4"]),
          ("int2 avx2", "x86-64-avx2", ["--precision", "int2"]),
          ("int2 portable", "x86-64", ["--precision", "int2"])]
PAIRS = [("int4 avx2", "int4 portable"), ("int2 avx2", "int2 portable")]


def samples_and_calibration(name, ins, work):
    """The samples the builds are compared on, and the calibration file."""
    if name.startswith("fashion-"):
        x, _ = datasets.fashion_mnist_test()
        return x, os.path.join(SHARED, "data", "fashion", "calib_x.npy")
    calib = os.path.join(work, "calib.npy")
    perturbed_calibration(ins[0], calib)
    x = np.load(calib)
    return x.reshape((x.shape[0],) + ins[0].shape), calib


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc", nargs="?", default=os.path.join(ROOT, "build", "bin", "emlc"))
    ap.add_argument("--models", default="fashion-mlp,fashion-cnn,fashion-dscnn,ic",
                    help="short names: " + ", ".join(MODELS))
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json")
    args = ap.parse_args()
    if target_desc.host_lacks(target_desc.load("x86-64-avx2")):
        print("SKIP: this CPU has no AVX2")
        return 77
    rows, failed = [], False
    print(f"{'model':<16}" + "".join(f"{c + ' (us)':>20}" for c, _, _ in BUILDS) + f"{'int4/int8':>10}"
          + f"{'int4/port.':>11}  weights int8/int4/int2 (bytes)  exact (samples)")
    for short in args.models.split(","):
        name = MODELS[short]
        folder = os.path.join(SHARED, "models", name)
        model = os.path.join(folder, "model.onnx")
        ins, outs = dataset(os.path.join(folder, "test_data_set_0"))
        row = {"model": name, "us": {}, "weights": {}, "exact": {}}
        with tempfile.TemporaryDirectory() as work:
            x, calib = samples_and_calibration(name, ins, work)
            exes, got = {}, {}
            for col, target, quant in BUILDS:
                d = os.path.join(work, col.replace(" ", "_"))
                os.makedirs(d)
                try:
                    out = compile_model(args.emlc, model, d, target=target,
                                        extra=[*shape_args(input_names(model), ins), *quant, "--calibration", calib])
                    exes[col] = build(d, extra_flags=target_desc.cflags_without_opt(target_desc.load(target)))
                except Failure as e:
                    print(f"{short}: {col}: {e.stage} failed: {e.message}")
                    failed = True
                    continue
                m = re.search(r"weights \(flash\):\s+(\d+) bytes", out)
                row["weights"][col] = int(m.group(1)) if m else None
                got[col] = run_samples(exes[col], x.astype(np.float32), outs[0], d)
            times = {c: [] for c in exes}
            for _ in range(args.rounds):  # alternately: the machine's speed drifts
                for c, exe in exes.items():
                    times[c].append(run(exe, ins, outs, os.path.dirname(exe), repeat=args.repeat)[1])
            row["us"] = {c: statistics.median(t) for c, t in times.items()}
            for a, b in PAIRS:
                if a in got and b in got:
                    row["exact"][a] = bool(np.array_equal(got[a].view(np.uint8), got[b].view(np.uint8)))
                    failed |= not row["exact"][a]
        us, w = row["us"], row["weights"]
        ratio = lambda a, b: f"{us[a] / us[b]:.2f}" if a in us and b in us else "-"  # noqa: E731
        exact = ", ".join(f"{a.split()[0]} {'equal' if e else 'DIFFERENT'}" for a, e in row["exact"].items())
        print(f"{short:<16}" + "".join(f"{us[c]:>20.1f}" if c in us else f"{'-':>20}" for c, _, _ in BUILDS)
              + f"{ratio('int4 avx2', 'int8 avx2'):>10}{ratio('int4 avx2', 'int4 portable'):>11}  "
              + f"{w.get('int8 avx2')}/{w.get('int4 avx2')}/{w.get('int2 avx2')}  {exact} ({len(x)})")
        rows.append(row)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"benchmark": "lowbit-x86", "rows": rows}, f, indent=2)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
