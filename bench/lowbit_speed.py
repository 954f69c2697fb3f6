#!/usr/bin/python3
"""Speed and flash of int4 weights against int8 (issue 15): each float MLPerf
Tiny model in ../shared/models is quantized twice with the same calibration
(its test_data_set_0/input_0.pb), `--quantize=int8` and `--precision int4`,
and run by `emlc verify` under QEMU, whose plugin counts the instructions of
one inference. Prints per model x target the int8 and int4 instructions,
their ratio, and the weight bytes: int8 as compiled for speed (the DSP
kernels store int16 weights), int8 as compiled for size (one byte a weight),
int4. The acceptance: int4 at most --max-ratio (1.25) x the int8
instructions and its weights at most --max-flash (0.55) x int8's one byte
a weight; exit 1 otherwise, or when a verify fails.

usage: bench/lowbit_speed.py [build/bin/emlc] [--targets cortex-m4,cortex-m55] [--models kws,ad] [--json FILE]"""
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
SHARED = os.path.join(ROOT, "..", "shared", "models")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import target_desc  # noqa: E402

MODELS = {
    "ad": "mlperftiny-ad-fc-autoencoder-fp32",
    "ic": "mlperftiny-ic-resnet8-fp32",
    "kws": "mlperftiny-kws-dscnn-fp32-int8weights",
    "vww": "mlperftiny-vww-mobilenetv1-0.25-fp32",
}


def verify(emlc, model, target, precision):
    """`emlc verify` of the model quantized to `precision`: instructions, weight bytes, kernels."""
    folder = os.path.join(SHARED, model)
    calib = os.path.join(folder, "test_data_set_0", "input_0.pb")
    quant = ["--quantize=int8"] if precision == "int8" else ["--precision", precision]
    r = subprocess.run([emlc, "verify", os.path.join(folder, "model.onnx"), "--target", target, *quant, "--calibration",
                        calib], capture_output=True, text=True, timeout=3600)
    out = r.stdout + r.stderr
    row = {"ok": r.returncode == 0, "instructions": None, "weights": None, "kernels": "", "error": ""}
    m = re.search(r"instructions per inference: (\d+)", out)
    if m:
        row["instructions"] = int(m.group(1))
    m = re.search(r"weights: (\d+) bytes; kernels: (.*)", out)
    if m:
        row["weights"], row["kernels"] = int(m.group(1)), m.group(2).strip()
    m = re.search(r"LSB of the int8 output grid", out)
    row["error"] = re.search(r"info output 0: (.*)", out).group(1)[:90] if m else ""
    if not row["ok"]:
        row["error"] = out.strip().splitlines()[-1][:160] if out.strip() else "failed"
    return row


def size_weights(emlc, model, target):
    """Weight bytes of the int8 model compiled for size (int8 layouts: one byte a weight)."""
    folder = os.path.join(SHARED, model)
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([emlc, "compile", os.path.join(folder, "model.onnx"), "-o", d, "--target", target,
                            "--quantize=int8", "--calibration", os.path.join(folder, "test_data_set_0", "input_0.pb"),
                            "--optimize", "size"], capture_output=True, text=True, timeout=600)
    m = re.search(r"weights \(flash\):\s+(\d+) bytes", r.stdout)
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc", nargs="?", default=os.path.join(ROOT, "build", "bin", "emlc"))
    ap.add_argument("--targets", default="cortex-m4,cortex-m55")
    ap.add_argument("--models", default=",".join(MODELS), help="short names: " + ", ".join(MODELS))
    ap.add_argument("--max-ratio", type=float, default=1.25)
    ap.add_argument("--max-flash", type=float, default=0.55)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json")
    args = ap.parse_args()
    models = [MODELS.get(m, m) for m in args.models.split(",")]
    if not all(os.path.isdir(os.path.join(SHARED, m)) for m in models):
        print(f"SKIP: the models are not all in {SHARED}")
        return 77
    targets = args.targets.split(",")
    tools = set()
    for t in targets:
        desc = target_desc.load(t)
        tools |= {desc["toolchain"]["cc"]} | ({desc["emulator"]["binary"]} if "emulator" in desc else set())
    missing = sorted(tool for tool in tools if not shutil.which(tool))
    if missing:
        print(f"SKIP: {', '.join(missing)} not installed: run scripts/install-deps.sh")
        return 77
    jobs = [(m, t, p) for m in models for t in targets for p in ("int8", "int4")]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        runs = dict(zip(jobs, ex.map(lambda j: verify(args.emlc, *j), jobs)))
        sizes = dict(zip([(m, t) for m in models for t in targets],
                         ex.map(lambda j: size_weights(args.emlc, *j), [(m, t) for m in models for t in targets])))
    rows, bad = [], 0
    for m in models:
        for t in targets:
            a, b = runs[(m, t, "int8")], runs[(m, t, "int4")]
            ratio = b["instructions"] / a["instructions"] if a["instructions"] and b["instructions"] else None
            flash = b["weights"] / sizes[(m, t)] if b["weights"] and sizes[(m, t)] else None
            ok = (a["ok"] and b["ok"] and ratio is not None and ratio <= args.max_ratio and flash is not None and
                  flash <= args.max_flash)
            bad += not ok
            rows.append({"model": m, "target": t, "int8_instructions": a["instructions"],
                         "int4_instructions": b["instructions"], "ratio": ratio, "int8_weight_bytes": a["weights"],
                         "int8_size_weight_bytes": sizes[(m, t)], "int4_weight_bytes": b["weights"],
                         "int4_weight_fraction": flash, "ok": ok,
                         "int8_kernels": a["kernels"], "int4_kernels": b["kernels"], "int4_error": b["error"],
                         "int8_error": a["error"]})
    fmt = lambda v, f="{}": f.format(v) if v is not None else "-"  # noqa: E731
    print(f"{'model':<40} {'target':<11} {'int8 insns':>11} {'int4 insns':>11} {'ratio':>6} {'int8 w (speed)':>14} "
          f"{'int8 w (size)':>13} {'int4 w':>8} {'int4/int8':>9}  result")
    for r in rows:
        frac = r["int4_weight_fraction"]
        print(f"{r['model']:<40} {r['target']:<11} {fmt(r['int8_instructions']):>11} "
              f"{fmt(r['int4_instructions']):>11} {fmt(r['ratio'], '{:.3f}'):>6} {fmt(r['int8_weight_bytes']):>14} "
              f"{fmt(r['int8_size_weight_bytes']):>13} {fmt(r['int4_weight_bytes']):>8} {fmt(frac, '{:.3f}'):>9}  "
              f"{'ok' if r['ok'] else 'FAIL'}")
    print(f"int4/int8: int4 weight bytes against int8's one byte a weight (--optimize size); limits: "
          f"{args.max_ratio}x the int8 instructions, {args.max_flash}x its weight bytes")
    for r in rows:
        if not r["ok"]:
            print(f"  {r['model']} {r['target']}: int8 {r['int8_error']} / int4 {r['int4_error']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
