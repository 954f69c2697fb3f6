#!/usr/bin/python3
"""Accuracy of structured pruning without fine-tuning (issue 16), measured on
the emitted C over Fashion-MNIST's 10,000 test images (Debian's
dataset-fashion-mnist), calibration ../shared/data/fashion/calib_x.npy.

Two tables per model:
  1. MAC reduction (--ratios) x least-squares correction on/off, with the
     default importance (reconstruction) and the sensitivity schedule;
  2. at --criteria-ratio (0.25): each importance criterion (l1, l2,
     reconstruction) x correction on/off, with the uniform schedule (so the
     criterion alone decides which channels go).
Each row: the MAC reduction the compile reports, top-1, the drop from the
float model's top-1.

usage: bench/pruning.py [build/bin/emlc] [--models cnn,dscnn] [--ratios 0.1,0.25,0.4,0.5] [--json FILE]"""
import argparse
import concurrent.futures
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))
import datasets  # noqa: E402
from check_accuracy import accuracy  # noqa: E402
from emlc_testlib import Failure  # noqa: E402


MODELS = {"cnn": "fashion-cnn-fp32", "dscnn": "fashion-dscnn-fp32", "mlp": "fashion-mlp-fp32"}
CALIB = os.path.join(SHARED, "data", "fashion", "calib_x.npy")


def measure(emlc, model, x, y, flags):
    path = os.path.join(SHARED, "models", model, "model.onnx")
    with tempfile.TemporaryDirectory() as d:
        report = os.path.join(d, "report.json")
        try:  # the accuracy's compile writes the report (its pruning section)
            acc = accuracy(emlc, path, x, y, d, [*flags, "--report", report])
        except Failure as f:
            return {"flags": flags, "error": f"{f.stage}: {f.message}"[:200]}
        p = json.load(open(report)).get("pruning")
    if not p:
        return {"flags": flags, "accuracy": acc, "mac_cut": None}
    return {"flags": flags, "accuracy": acc, "mac_cut": 100.0 * (1 - p["macs_after"] / p["macs_before"]),
            "groups": {g["name"]: [g["channels"], g["kept"]] for g in p["groups"]}, "corrected": p["corrected"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("emlc", nargs="?", default=os.path.join(ROOT, "build", "bin", "emlc"))
    ap.add_argument("--models", default="cnn,dscnn")
    ap.add_argument("--ratios", default="0.1,0.25,0.4,0.5")
    ap.add_argument("--criteria-ratio", type=float, default=0.25)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--json")
    args = ap.parse_args()
    if not datasets.available("fashion-mnist-test") or not os.path.exists(CALIB):
        print("SKIP: Fashion-MNIST test set (dataset-fashion-mnist) or ../shared/data/fashion missing")
        return 77
    x, y = datasets.load_set("fashion-mnist-test")
    jobs = []
    for short in args.models.split(","):
        model = MODELS.get(short, short)
        jobs.append((model, "float", []))
        for r in args.ratios.split(","):
            for corr in ("on", "off"):
                jobs.append((model, f"ratio {r}, correction {corr}",
                             [f"--prune={r}", "--calibration", CALIB, "--prune-correction", corr]))
        for crit in ("l1", "l2", "reconstruction"):
            for corr in ("on", "off"):
                jobs.append((model, f"{args.criteria_ratio}: {crit}, uniform, correction {corr}",
                             [f"--prune={args.criteria_ratio}", "--calibration", CALIB, "--prune-importance", crit,
                              "--prune-schedule", "uniform", "--prune-correction", corr]))
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        results = list(ex.map(lambda j: measure(args.emlc, j[0], x, y, j[2]), jobs))
    rows, floats = [], {}
    for (model, what, _), res in zip(jobs, results):
        if what == "float":
            floats[model] = res.get("accuracy")
    print(f"{'model':<20} {'configuration':<48} {'MACs cut':>8} {'top-1':>7} {'vs float':>8}")
    for (model, what, _), res in zip(jobs, results):
        acc, ref = res.get("accuracy"), floats.get(model)
        drop = 100 * (acc - ref) if acc is not None and ref is not None else None
        rows.append({"model": model, "configuration": what, **res, "float_accuracy": ref, "delta_pp": drop})
        cut = f"{res['mac_cut']:.1f}%" if res.get("mac_cut") is not None else "-"
        print(f"{model:<20} {what:<48} {cut:>8} "
              f"{(f'{100 * acc:.2f}%' if acc is not None else 'ERROR'):>7} "
              f"{(f'{drop:+.2f}' if drop is not None else res.get('error', '')):>8}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0 if all("error" not in r for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
