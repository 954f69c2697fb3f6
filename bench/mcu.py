#!/usr/bin/python3
"""Microcontroller benchmark and check: `emlc verify` of every model in
../shared/models on each target (QEMU: mps2-an386 for Cortex-M4,
mps3-an547 for Cortex-M55, virt for RV32IMAC; host targets such as
x86-64-avx2 run natively), printing per model x target
whether the outputs match test_data_set_0, instructions per inference
(counted by the project's QEMU plugin), instructions per MAC, the model's
text/data/bss and arena - as a table, and as JSON with --json.

usage: bench/mcu.py [build/bin/emlc] [--targets cortex-m4,cortex-m55,rv32imac] [--models a,b] [--json FILE]
Exit status 1 if any verify failed (CTest runs it as a check)."""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "models")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import target_desc  # noqa: E402
# Float outputs are compared within 1e-4 x max|ref| unless listed: the PyTorch QDQ model's reference is ONNX
# Runtime's float simulation, which emlc's integer rounding may miss by 2 output LSB (0.28 of 21.2).
REL_TOL = {"digits-cnn-int8-qdq-torch": 0.0133}


def verify(emlc, model, target):
    r = subprocess.run([emlc, "verify", os.path.join(SHARED, model, "model.onnx"), "--target", target,
                        "--rel-tol", str(REL_TOL.get(model, 1e-4))], capture_output=True, text=True, timeout=1800)
    row = {"model": model, "target": target, "ok": r.returncode == 0, "instructions": None, "per_mac": None,
           "text": None, "data": None, "bss": None, "arena": None, "detail": ""}
    m = re.search(r"instructions per inference: (\d+) \(([\d.]+) per MAC", r.stdout)
    if m:
        row["instructions"], row["per_mac"] = int(m.group(1)), float(m.group(2))
    m = re.search(r"model size: text (\d+) data (\d+) bss (\d+) bytes \(arena (\d+)", r.stdout)
    if m:
        row["text"], row["data"], row["bss"], row["arena"] = map(int, m.groups())
    if not row["ok"]:
        row["detail"] = (r.stdout + r.stderr).strip().splitlines()[-1][:120] if (r.stdout + r.stderr).strip() else ""
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc", nargs="?", default=os.path.join(ROOT, "build", "bin", "emlc"))
    ap.add_argument("--targets", default="cortex-m4,cortex-m55,rv32imac")
    ap.add_argument("--models", default="")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json")
    args = ap.parse_args()
    if not os.path.isdir(SHARED):
        print(f"SKIP: {SHARED} not found")
        return 77
    models = args.models.split(",") if args.models else sorted(
        d for d in os.listdir(SHARED) if os.path.isdir(os.path.join(SHARED, d, "test_data_set_0")))
    jobs = [(m, t) for m in models for t in args.targets.split(",")]
    tools = set()
    for t in args.targets.split(","):  # the toolchain and emulator each target names
        desc = target_desc.load(t)
        tools |= {desc["toolchain"]["cc"]} | ({desc["emulator"]["binary"]} if "emulator" in desc else set())
        lacking = target_desc.host_lacks(desc)  # a host target runs here: the CPU needs its extensions
        if lacking:
            print(f"SKIP: this CPU has no {', '.join(lacking)} for {t}")
            return 77
    missing = sorted(tool for tool in tools if not shutil.which(tool))
    if missing:  # scripts/install-deps.sh installs them (CI always has them)
        print(f"SKIP: {', '.join(missing)} not installed: run scripts/install-deps.sh")
        return 77
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        rows = list(ex.map(lambda j: verify(args.emlc, *j), jobs))
    print(f"{'model':<48} {'target':<11} {'result':<6} {'instructions':>13} {'/MAC':>7} {'text':>8} {'data':>6} "
          f"{'bss':>8} {'arena':>8}")
    fmt = lambda v, f="{}": f.format(v) if v is not None else "-"  # noqa: E731
    for r in rows:
        print(f"{r['model']:<48} {r['target']:<11} {'ok' if r['ok'] else 'FAIL':<6} {fmt(r['instructions']):>13} "
              f"{fmt(r['per_mac'], '{:.2f}'):>7} {fmt(r['text']):>8} {fmt(r['data']):>6} {fmt(r['bss']):>8} "
              f"{fmt(r['arena']):>8} {r['detail']}")
    failed = sum(not r["ok"] for r in rows)
    print(f"{len(rows) - failed} passed, {failed} failed")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"benchmark": "mcu", "rows": rows}, f, indent=2)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
