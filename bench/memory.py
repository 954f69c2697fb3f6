#!/usr/bin/python3
"""Memory benchmark (not a test): for every model in ../shared/models, the
planned arena, its schedule-independent lower bound, the sum of all
intermediate tensors (what a planner-less generator needs) and arena/bound,
from emlc's compile report. Models emlc cannot compile yet are listed with
the reason.

usage: bench/memory.py [build/bin/emlc] [--json FILE]"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from emlc_testlib import dataset, input_names, shape_args  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc", nargs="?", default=os.path.join(ROOT, "build", "bin", "emlc"))
    ap.add_argument("--json")
    args = ap.parse_args()
    shared = os.path.join(ROOT, "..", "shared", "models")
    rows = []
    print(f"{'model':<48} {'arena':>9} {'bound':>9} {'sum':>9} {'arena/bound':>11}")
    for m in sorted(os.listdir(shared)):
        model = os.path.join(shared, m, "model.onnx")
        if not os.path.exists(model):
            continue
        names = input_names(model)
        ins, _ = dataset(os.path.join(shared, m, "test_data_set_0"))
        shapes = shape_args(names, ins)
        with tempfile.TemporaryDirectory() as w:
            r = subprocess.run([args.emlc, "compile", model, "-o", w, "--report", os.path.join(w, "r.json"), *shapes],
                               capture_output=True, text=True)
            if r.returncode != 0:
                why = (r.stderr.strip().splitlines() or ["?"])[0].replace("emlc: error: ", "")
                print(f"{m:<48} {'not compiled: ' + why[:70]}")
                rows.append({"model": m, "error": why})
                continue
            t = json.load(open(os.path.join(w, "r.json")))["totals"]
        ratio = t["arena_bytes"] / t["arena_lower_bound_bytes"] if t["arena_lower_bound_bytes"] else 1.0
        print(f"{m:<48} {t['arena_bytes']:>9} {t['arena_lower_bound_bytes']:>9} {t['intermediate_bytes_sum']:>9} "
              f"{ratio:>11.3f}")
        rows.append({"model": m, **{k: t[k] for k in ("arena_bytes", "arena_lower_bound_bytes",
                                                       "intermediate_bytes_sum")}, "ratio": ratio})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"benchmark": "memory", "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
