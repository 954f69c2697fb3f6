#!/usr/bin/python3
"""Post-training quantization of a float model without a data set: calibrate
on the model's own test_data_set_0 input plus perturbed copies (noise and
gain), compile with --quantize=int8, build the C with -Werror, run every
test_data_set_N and print the SQNR of the int8 outputs against the float
reference outputs, next to the SQNR the compiler reported from its
interpreter. Fails if anything does not compile or run, if the report lacks
per-layer SQNR, or if the measured output SQNR is below --min-sqnr dB."""
import argparse
import json
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from emlc_testlib import Failure, build, compile_model, dataset, perturbed_calibration, run  # noqa: E402


def sqnr(ref, got):
    noise = float(np.sum((ref.astype(np.float64) - got) ** 2))
    return 200.0 if noise == 0 else 10 * np.log10(float(np.sum(ref.astype(np.float64) ** 2)) / noise)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc")
    ap.add_argument("model_dir")
    ap.add_argument("--copies", type=int, default=31)
    ap.add_argument("--min-sqnr", type=float, default=10.0)
    ap.add_argument("--method", default="minmax")
    args = ap.parse_args()
    if not os.path.isdir(args.model_dir):
        print(f"SKIP: {args.model_dir} not found (../shared absent?)")
        return 77
    sets = sorted(d for d in os.listdir(args.model_dir) if d.startswith("test_data_set_"))
    ins0, _ = dataset(os.path.join(args.model_dir, sets[0]))
    name = os.path.basename(os.path.normpath(args.model_dir))
    with tempfile.TemporaryDirectory() as d:
        calib = os.path.join(d, "calib.npy")
        perturbed_calibration(ins0[0], calib, args.copies)
        report = os.path.join(d, "report.json")
        try:
            compile_model(args.emlc, os.path.join(args.model_dir, "model.onnx"), d,
                          extra=["--quantize=int8", "--calibration", calib, "--calibration-method", args.method,
                                 "--report", report])
            exe = build(d)
            layers = json.load(open(report))["layers"]
            measured = [l["sqnr_db"] for l in layers if "sqnr_db" in l]
            if not measured:
                print(f"FAIL {name}: the report has no per-layer SQNR")
                return 1
            worst = min(measured)
            results = []
            for s in sets:
                ins, want = dataset(os.path.join(args.model_dir, s))
                got, _ = run(exe, ins, want, d)
                results.append(min(sqnr(w, g) for w, g in zip(want, got)))
        except Failure as f:
            print(f"FAIL {name}: {f.stage}: {f.message}")
            return 1
    ok = min(results) >= args.min_sqnr
    print(f"{'ok  ' if ok else 'FAIL'} {name} int8 ({args.method}, {args.copies + 1} calibration inputs): output SQNR "
          f"vs float reference {', '.join(f'{r:.1f}' for r in results)} dB over {len(sets)} data sets "
          f"(limit {args.min_sqnr}); {len(measured)} layers with SQNR in the report, lowest {worst:.1f} dB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
