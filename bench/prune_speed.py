#!/usr/bin/python3
"""Does pruning's MAC cut reach the microcontroller (issue 16)? Each model is
quantized to int8 (calibration ../shared/data/fashion/calib_x.npy) unpruned
and with --prune=R for each ratio, per target; `emlc verify --report` runs it
under QEMU (the project's plugin counts the instructions of one inference)
and writes the compile report: the pruning section (conv/fully connected
MACs before and after, kept channels) and the cost model's estimate. Prints per
model x target x ratio: instructions, the drop from unpruned, the MAC cut,
ratio = instruction drop / MAC cut (issue 16 asks >= 0.8 on Cortex-M4 and
Cortex-M55 at 25%), the estimate's drop, and the kept channels.

usage: bench/prune_speed.py [build/bin/emlc] [--models cnn,dscnn] [--targets cortex-m4,cortex-m55]
                            [--ratios 0.1,0.25,0.4] [--jobs 2] [--json FILE] [-- more emlc flags]
A bench, not a check: exit 1 only when a compile or verify failed."""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import target_desc  # noqa: E402

MODELS = {"cnn": "fashion-cnn-fp32", "dscnn": "fashion-dscnn-fp32", "mlp": "fashion-mlp-fp32"}
CALIB = os.path.join(SHARED, "data", "fashion", "calib_x.npy")


def run(emlc, model, target, ratio, extra):
    path = os.path.join(SHARED, "models", model, "model.onnx")
    flags = ["--target", target, "--quantize=int8", "--calibration", CALIB, *extra]
    if ratio:
        flags.append(f"--prune={ratio}")
    row = {"model": model, "target": target, "ratio": ratio, "instructions": None, "estimate": None,
           "macs_before": None, "macs_after": None, "kept": "", "error": ""}
    with tempfile.TemporaryDirectory() as d:  # verify's report: the compile's, with the count it measured
        report = os.path.join(d, "report.json")
        r = subprocess.run([emlc, "verify", path, "--report", report, *flags], capture_output=True, text=True,
                           timeout=3600)
        m = re.search(r"instructions per inference: (\d+)", r.stdout)
        if r.returncode != 0 or not m:
            row["error"] = ((r.stdout + r.stderr).strip().splitlines() or ["verify failed"])[-1][:160]
            return row
        rep = json.load(open(report))
    row["instructions"] = rep["measured"]["instructions"]
    row["estimate"] = rep["totals"].get("instructions_estimate")
    p = rep.get("pruning")
    if p:
        row["macs_before"], row["macs_after"] = p["macs_before"], p["macs_after"]
        row["kept"] = " ".join(f"{g['channels']}->{g['kept']}" for g in p["groups"] if g["kept"] < g["channels"])
    return row


def main():
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("emlc", nargs="?", default=os.path.join(ROOT, "build", "bin", "emlc"))
    ap.add_argument("--models", default="cnn,dscnn")
    ap.add_argument("--targets", default="cortex-m4,cortex-m55")
    ap.add_argument("--ratios", default="0.1,0.25,0.4")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json")
    args = ap.parse_args(argv[:cut])
    extra = argv[cut + 1:]
    if not os.path.exists(CALIB):
        print(f"SKIP: {CALIB} not found")
        return 77
    targets = args.targets.split(",")
    for t in targets:
        desc = target_desc.load(t)
        tools = [desc["toolchain"]["cc"], *([desc["emulator"]["binary"]] if "emulator" in desc else [])]
        missing = [tool for tool in tools if not shutil.which(tool)]
        if missing:
            print(f"SKIP: {', '.join(missing)} not installed: run scripts/install-deps.sh")
            return 77
    models = [MODELS.get(m, m) for m in args.models.split(",")]
    ratios = [None] + [r for r in args.ratios.split(",") if r]
    jobs = [(m, t, r) for m in models for t in targets for r in ratios]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        rows = list(ex.map(lambda j: run(args.emlc, *j, extra), jobs))
    base = {(r["model"], r["target"]): r for r in rows if r["ratio"] is None}
    print(f"{'model':<20} {'target':<11} {'prune':>5} {'instructions':>12} {'drop':>6} {'MAC cut':>7} {'ratio':>5} "
          f"{'est. drop':>9}  kept channels")
    for r in rows:
        b = base[(r["model"], r["target"])]
        if r["error"] or b["error"]:
            print(f"{r['model']:<20} {r['target']:<11} {r['ratio'] or '-':>5} ERROR {r['error'] or b['error']}")
            continue
        r["drop"] = 1 - r["instructions"] / b["instructions"]
        r["estimate_drop"] = 1 - r["estimate"] / b["estimate"]
        r["mac_cut"] = 1 - r["macs_after"] / r["macs_before"] if r["macs_before"] else 0.0
        r["drop_per_mac_cut"] = r["drop"] / r["mac_cut"] if r["mac_cut"] else None
        ratio = "-" if r["drop_per_mac_cut"] is None else f"{r['drop_per_mac_cut']:.2f}"
        print(f"{r['model']:<20} {r['target']:<11} {r['ratio'] or '-':>5} {r['instructions']:>12} "
              f"{100 * r['drop']:5.1f}% {100 * r['mac_cut']:6.1f}% {ratio:>5} "
              f"{100 * r['estimate_drop']:8.1f}%  {r['kept']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"benchmark": "prune_speed", "flags": extra, "rows": rows}, f, indent=1)
    return 1 if any(r["error"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
