#!/usr/bin/python3
"""Layer fusion, measured: compiles each model with and without `--no-fuse`
(the unfused baseline: no emlc-fold-batchnorm, emlc-eliminate-transposes,
emlc-fold-pad-into-conv, emlc-fuse-activations) for each target and prints, from the compile report,
kernel calls, arena bytes, weight bytes and the cost model's
instructions_estimate, fused / unfused and their ratio. With --qemu TARGETS it
also runs `emlc verify` (QEMU, the project's instruction-counting plugin) on
those targets, both ways: measured instructions per inference, and the outputs
checked against test_data_set_0 (float within 1e-4 x max|ref|, int8 exactly).

The models: every MLPerf Tiny model in ../shared/models as fp32 and int8 QDQ,
the fp32 ones also quantized by emlc (--quantize=int8, calibrated on their
test_data_set_0 input: rows 'NAME +ptq'), the fashion models, and three that show the other fusions: the
digits CNN with BatchNorm kept, the PyTorch QDQ one (an int8 clamp) and mnist-8 (MatMul + Add).

usage: bench/fusion.py [build/bin/emlc] [--targets generic,cortex-m4,cortex-m55] [--models a,b]
                       [--qemu cortex-m4] [--json FILE] [--jobs 2]
Exit status 1 if a compile or a verify failed, or fusion made a column worse."""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "models")
MODELS = ["mlperftiny-ad-fc-autoencoder-fp32", "mlperftiny-ad-fc-autoencoder-int8-qdq",
          "mlperftiny-ad-fc-autoencoder-fp32 +ptq", "mlperftiny-ic-resnet8-fp32", "mlperftiny-ic-resnet8-int8-qdq",
          "mlperftiny-ic-resnet8-fp32 +ptq", "mlperftiny-kws-dscnn-fp32-int8weights", "mlperftiny-kws-dscnn-int8-qdq",
          "mlperftiny-kws-dscnn-fp32-int8weights +ptq", "mlperftiny-vww-mobilenetv1-0.25-fp32",
          "mlperftiny-vww-mobilenetv1-0.25-int8-qdq", "mlperftiny-vww-mobilenetv1-0.25-fp32 +ptq",
          "mlperftiny-sww-dscnn-int8-qdq", "fashion-cnn-fp32", "fashion-dscnn-fp32", "fashion-mlp-fp32",
          "digits-cnn-fp32-bn-op13", "digits-cnn-int8-qdq-torch", "mnist-8"]
# As bench/mcu.py: the PyTorch QDQ model's reference is ONNX Runtime's float simulation (2 output LSB apart).
REL_TOL = {"digits-cnn-int8-qdq-torch": 0.0133}
COLUMNS = ["kernel_calls", "arena_bytes", "weight_bytes", "instructions_estimate"]


def model_args(model):
    """The model file and the extra compile/verify arguments of a row ('NAME +ptq': PTQ to int8)."""
    name, _, variant = model.partition(" ")
    path = os.path.join(SHARED, name, "model.onnx")
    if variant == "+ptq":
        calib = os.path.join(SHARED, name, "test_data_set_0", "input_0.pb")
        return path, ["--quantize=int8", "--calibration", calib]
    return path, []


def compile_totals(emlc, model, target, fuse):
    path, extra = model_args(model)
    with tempfile.TemporaryDirectory() as d:
        report = os.path.join(d, "report.json")
        r = subprocess.run([emlc, "compile", path, "-o", d, "--target", target, "--report", report, *extra] +
                           ([] if fuse else ["--no-fuse"]), capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            return {"error": (r.stderr.strip().splitlines() or ["?"])[-1][:160]}
        with open(report) as f:
            totals = json.load(f)["totals"]
    return {c: totals.get(c, 0) for c in COLUMNS}


def measured(emlc, model, target, fuse):
    """emlc verify under QEMU: instructions per inference (None if it failed) and the last line on failure."""
    path, extra = model_args(model)
    # A float model quantized here (+ptq): verify compares with the float reference and reports, not judges.
    tol = ["--rel-tol", str(REL_TOL[model])] if model in REL_TOL else []
    r = subprocess.run([emlc, "verify", path, "--target", target, *extra, *tol] + ([] if fuse else ["--no-fuse"]),
                       capture_output=True, text=True, timeout=3600)
    m = re.search(r"instructions per inference: (\d+)", r.stdout)
    ok = r.returncode == 0
    return (int(m.group(1)) if m and ok else None), ("" if ok else (r.stdout + r.stderr).strip()[-200:])


def ratio(a, b):
    return f"{a / b:.3f}" if b else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc", nargs="?", default=os.path.join(ROOT, "build", "bin", "emlc"))
    ap.add_argument("--targets", default="generic,cortex-m4,cortex-m55")
    ap.add_argument("--models", default="", help="comma-separated rows (default: all of MODELS)")
    ap.add_argument("--qemu", default="", help="targets to also measure under QEMU, e.g. cortex-m4")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json")
    args = ap.parse_args()
    if not os.path.isdir(SHARED):
        print(f"SKIP: {SHARED} not found")
        return 77
    models = args.models.split(",") if args.models else MODELS
    targets = args.targets.split(",")
    qemu = [t for t in args.qemu.split(",") if t]
    rows = {(m, t): {"model": m, "target": t} for m in models for t in targets + [q for q in qemu if q not in targets]}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {}
        for m in models:
            for t in targets:
                for fuse in (True, False):
                    futures[pool.submit(compile_totals, args.emlc, m, t, fuse)] = (m, t, "fused" if fuse else "unfused")
            for t in qemu:
                for fuse in (True, False):
                    futures[pool.submit(measured, args.emlc, m, t, fuse)] = (m, t, "qemu_fused" if fuse else "qemu_unfused")
        for f in concurrent.futures.as_completed(futures):
            m, t, key = futures[f]
            rows[(m, t)][key] = f.result()

    bad = []
    head = (f"{'model':<44} {'target':<11} {'kernels':>9} {'ratio':>6} {'arena':>15} {'ratio':>6} "
            f"{'weights':>15} {'ratio':>6} {'instr. estimate':>21} {'ratio':>6}")
    if qemu:
        head += f" {'instr. QEMU':>21} {'ratio':>6}"
    print("fused / unfused (--no-fuse); ratio = fused / unfused")
    print(head)
    for (m, t), row in rows.items():
        fu, un = row.get("fused"), row.get("unfused")
        line = f"{m:<44} {t:<11}"
        if fu and un and "error" not in fu and "error" not in un:
            for c, w in zip(COLUMNS, (9, 15, 15, 21)):
                line += f" {str(fu[c]) + '/' + str(un[c]):>{w}} {ratio(fu[c], un[c]):>6}"
                if fu[c] > un[c]:
                    bad.append(f"{m} {t}: {c} {fu[c]} fused > {un[c]} unfused")
        elif fu or un:
            line += f" compile failed: {(fu or {}).get('error') or (un or {}).get('error')}"
            bad.append(f"{m} {t}: compile failed")
        if "qemu_fused" in row:
            (a, ea), (b, eb) = row["qemu_fused"], row["qemu_unfused"]
            if a is not None and b is not None:
                line += f" {str(a) + '/' + str(b):>21} {ratio(a, b):>6}"
                if a > b:
                    bad.append(f"{m} {t}: measured instructions {a} fused > {b} unfused")
            else:
                line += f" verify failed: {(ea or eb).splitlines()[-1] if (ea or eb) else '?'}"
                bad.append(f"{m} {t}: verify failed")
        print(line)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(list(rows.values()), f, indent=1)
    for b in bad:
        print("FAIL", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
