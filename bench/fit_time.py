#!/usr/bin/python3
"""How long `emlc fit` takes (issue 17: every MLPerf Tiny float model x
NUCLEO-L4R5ZI and x nRF52840 in under 5 minutes each on a 2-core machine).
Runs `emlc fit MODEL --device D -o TMP` as a user would with no data of their
own (calibration: test_data_set_0 beside the model, emlc's default), one fit
at a time, and prints per model x device: wall-clock seconds, exit status,
the chosen candidate and how many candidates fit.

usage: bench/fit_time.py [build/bin/emlc] [--models a,b] [--devices nucleo-l4r5zi,nrf52840]
                         [--limit 300] [-- more emlc fit flags]
A bench, not a check: exit 1 when a fit failed or took longer than --limit."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "models")
MODELS = ["mlperftiny-ad-fc-autoencoder-fp32", "mlperftiny-ic-resnet8-fp32", "mlperftiny-kws-dscnn-fp32-int8weights",
          "mlperftiny-vww-mobilenetv1-0.25-fp32"]


def fit(emlc, model, device, extra):
    """One `emlc fit`: seconds, exit status, the chosen candidate's label and the count that fit."""
    with tempfile.TemporaryDirectory() as d:
        t0 = time.monotonic()
        r = subprocess.run([emlc, "fit", os.path.join(SHARED, model, "model.onnx"), "--device", device, "-o", d,
                            *extra], capture_output=True, text=True)
        secs = time.monotonic() - t0
        row = {"model": model, "device": device, "seconds": round(secs, 1), "exit": r.returncode}
        try:
            with open(os.path.join(d, "fit.json")) as f:
                table = json.load(f)
            cands = table.get("candidates", [])
            row["fits"] = sum(1 for c in cands if c.get("fits"))
            row["candidates"] = len(cands)
            c = next((c for c in cands if c["index"] == table.get("chosen")), None)
            row["chosen"] = (f"{c['precision']} prune {c['prune']:.2f} {c['optimize']}, "
                             f"SQNR {c.get('sqnr_db')} dB, {c.get('latency_ms_estimate', 0):.1f} ms") if c else "none fits"
        except (OSError, ValueError):
            row["chosen"] = "(no fit.json) " + ((r.stderr.strip().splitlines() or ["?"])[-1][:80])
    return row


def main():
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("emlc", nargs="?", default=os.path.join(ROOT, "build", "bin", "emlc"))
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--devices", default="nucleo-l4r5zi,nrf52840")
    ap.add_argument("--limit", type=float, default=300.0, help="seconds a fit may take")
    ap.add_argument("--json", help="write the rows here")
    args = ap.parse_args(argv)
    print(f"{os.cpu_count()} cores; limit {args.limit:.0f} s\n")
    print("| model | device | seconds | exit | candidates (fit) | chosen |\n|---|---|---:|---:|---|---|")
    rows, bad = [], 0
    for model in args.models.split(","):
        for device in args.devices.split(","):
            r = fit(args.emlc, model, device, extra)
            rows.append(r)
            bad += r["exit"] != 0 or r["seconds"] > args.limit
            print(f"| {model} | {device} | {r['seconds']:.1f} | {r['exit']} | {r.get('candidates', '-')} "
                  f"({r.get('fits', '-')}) | {r['chosen']} |", flush=True)
    print(f"\n{len(rows) - bad} within {args.limit:.0f} s and exit 0, {bad} not")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
