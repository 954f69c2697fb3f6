#!/usr/bin/python3
"""Every shared model x every device of the catalog (issue 17): `emlc compile
MODEL --device D` either fits, and then `emlc verify MODEL --device D` runs
it on the device's core (QEMU for Cortex-M and RISC-V) against the model's
test_data_set_0, or is refused with the needed bytes against the device's
limit. A verify is run once per (model, target, kernels): devices with the
same core and the same kernel choice share it.

Prints one row per model: for each device 'ok' (fits and verifies, with the
estimated milliseconds), 'RAM +N' / 'flash +N' (refused: N bytes over), or
'FAIL' (fits but verify failed), then the refusal lines in full with --verbose.

usage: bench/devices.py [build/bin/emlc] [--models a,b] [--devices d1,d2] [--no-verify] [--json FILE]
Exit status 1 if a fitting model fails verify or a compile fails for another reason than a budget."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from emlc_testlib import dataset, input_names, shape_args  # noqa: E402

SHARED = os.path.join(ROOT, "..", "shared", "models")
# As bench/mcu.py: the PyTorch QDQ model's reference is ONNX Runtime's float simulation (2 output LSB apart).
REL_TOL = {"digits-cnn-int8-qdq-torch": 0.0133}
NEEDS = re.compile(r"needs (\d+) bytes of (RAM|flash) .*?, (\d+) more than")


def devices(emlc):
    return json.loads(subprocess.run([emlc, "devices", "--json"], capture_output=True, text=True, check=True).stdout)


def models():
    return sorted(m for m in os.listdir(SHARED) if os.path.isfile(os.path.join(SHARED, m, "model.onnx")))


def shape_flags(model):
    d = os.path.join(SHARED, model)
    sets = sorted(s for s in os.listdir(d) if s.startswith("test_data_set_"))
    if not sets:
        return []
    ins, _ = dataset(os.path.join(d, sets[0]))
    return shape_args(input_names(os.path.join(d, "model.onnx")), ins)


def compile_on(emlc, model, device, shapes):
    with tempfile.TemporaryDirectory() as d:
        report = os.path.join(d, "r.json")
        r = subprocess.run([emlc, "compile", os.path.join(SHARED, model, "model.onnx"), "-o", d, "--device", device,
                            "--report", report, *shapes], capture_output=True, text=True, timeout=900)
        if r.returncode == 0:
            rep = json.load(open(report))
            return {"fits": True, "kernels": rep["totals"]["kernels"], "ms": rep["totals"].get("latency_ms_estimate"),
                    "ram": rep["totals"]["arena_bytes"], "flash": rep["device"]["flash_needed_bytes"]}
    m = NEEDS.search(r.stderr)
    if m:
        return {"fits": False, "over": f"{m.group(2)} +{m.group(3)}", "why": r.stderr.strip().splitlines()[0]}
    return {"fits": False, "error": (r.stderr.strip().splitlines() or ["?"])[0][:200]}


def verify_on(emlc, model, device):
    tol = ["--rel-tol", str(REL_TOL[model])] if model in REL_TOL else []
    r = subprocess.run([emlc, "verify", os.path.join(SHARED, model, "model.onnx"), "--device", device, *tol],
                       capture_output=True, text=True, timeout=1800)
    instr = re.search(r"instructions per inference: (\d+)", r.stdout)
    return {"ok": r.returncode == 0, "instructions": int(instr.group(1)) if instr else None,
            "tail": (r.stdout + r.stderr).strip()[-300:]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("emlc", nargs="?", default=os.path.join(ROOT, "build", "bin", "emlc"))
    ap.add_argument("--models")
    ap.add_argument("--devices")
    ap.add_argument("--no-verify", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    devs = devices(a.emlc)
    if a.devices:
        devs = [d for d in devs if d["name"] in a.devices.split(",")]
    mods = a.models.split(",") if a.models else models()
    results, verified, bad = {}, {}, 0
    print(f"{'model':<46} " + " ".join(f"{d['name'][:13]:>13}" for d in devs))
    for m in mods:
        shapes = shape_flags(m)
        row = []
        for d in devs:
            c = compile_on(a.emlc, m, d["name"], shapes)
            if c["fits"] and not a.no_verify:
                key = (m, d["target"], tuple(c["kernels"]))
                if key not in verified:
                    verified[key] = verify_on(a.emlc, m, d["name"])
                c["verify"] = verified[key]
            results.setdefault(m, {})[d["name"]] = c
            if c["fits"]:
                v = c.get("verify")
                ms = f"{c['ms']:.1f}ms" if c.get("ms") is not None else "ok"
                cell = ms if v is None or v["ok"] else "FAIL"
                bad += v is not None and not v["ok"]
            elif "over" in c:
                cell = c["over"].replace("flash", "fl")
            else:
                cell, bad = "ERROR", bad + 1
            row.append(cell)
        print(f"{m:<46} " + " ".join(f"{x:>13}" for x in row), flush=True)
    fits = sum(c["fits"] for r in results.values() for c in r.values())
    total = sum(len(r) for r in results.values())
    print(f"\n{fits} of {total} model x device pairs fit; {len(verified)} distinct builds verified, "
          f"{sum(not v['ok'] for v in verified.values())} failed; cells: ms = the cost model's estimate at the "
          f"device clock (ok: no estimate), 'RAM +N'/'fl +N': refused, N bytes over the device's limit")
    if a.verbose:
        for m, r in results.items():
            for dn, c in r.items():
                if not c["fits"] or (c.get("verify") and not c["verify"]["ok"]):
                    print(f"{m} on {dn}: {c.get('why') or c.get('error') or c['verify']['tail']}")
    if a.json:
        json.dump(results, open(a.json, "w"), indent=1, default=str)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
