#!/usr/bin/python3
"""emlc fit end to end on a labelled data set (issue 17's acceptance).

`emlc fit MODEL --device D -o OUT --calibration X --calibration-labels Y
[--max-accuracy-drop PP] [--latency-limit MS]`, then:
  - fit.json validates against docs/fit.schema.json, the chosen candidate
    fits the device's RAM and flash and meets the limits;
  - fit.svg is well-formed XML with one marker per plotted candidate, and it
    renders with rsvg-convert when that is installed;
  - the module fit wrote, built for the host (-Werror) and run on every test
    sample, keeps top-1 >= the float model's (its C, compiled the same way)
    minus --max-drop.
Exit 0 when all hold."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import jsonschema
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
sys.path.insert(0, HERE)
import datasets  # noqa: E402
from check_accuracy import accuracy  # noqa: E402
from emlc_testlib import build, run_samples  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("emlc")
    ap.add_argument("model")
    ap.add_argument("--device", required=True)
    ap.add_argument("--calibration", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--data", default="fashion-mnist-test")
    ap.add_argument("--max-drop", type=float, default=2.0)
    ap.add_argument("--latency-limit", type=float)
    ap.add_argument("--schema", default=os.path.join(HERE, "..", "..", "docs", "fit.schema.json"))
    a = ap.parse_args()
    if not os.path.exists(a.model) or not datasets.available(a.data):
        print(f"SKIP: {a.model} or the data ({a.data}) not found")
        return 77
    ok = True
    with tempfile.TemporaryDirectory() as out:
        cmd = [a.emlc, "fit", a.model, "--device", a.device, "-o", out, "--calibration", a.calibration,
               "--calibration-labels", a.labels, "--max-accuracy-drop", str(a.max_drop)]
        if a.latency_limit:
            cmd += ["--latency-limit", str(a.latency_limit)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        print(r.stdout)
        if r.returncode:
            print(f"FAIL emlc fit exited {r.returncode}: {r.stderr[-2000:]}")
            return 1
        table = json.load(open(os.path.join(out, "fit.json")))
        jsonschema.validate(table, json.load(open(a.schema)))
        c = table["candidates"][table["chosen"]]
        fits = (c["fits"] and c["meets_limits"] and c["ram_bytes"] <= table["ram_budget_bytes"]
                and c["flash_bytes"] <= table["flash_budget_bytes"])
        if a.latency_limit:
            fits &= "latency_ms_estimate" in c and c["latency_ms_estimate"] <= a.latency_limit
        print(f"{'ok  ' if fits else 'FAIL'} fit.json valid; chosen {c['precision']} prune {c['prune']} "
              f"{c['optimize']}: RAM {c['ram_bytes']}/{table['ram_budget_bytes']}, flash "
              f"{c['flash_bytes']}/{table['flash_budget_bytes']}, latency {c.get('latency_ms_estimate', '?')} ms")
        ok &= fits
        svg = ET.parse(os.path.join(out, "fit.svg")).getroot()
        circles = len(list(svg.iter("{http://www.w3.org/2000/svg}circle")))
        if shutil.which("rsvg-convert"):
            rr = subprocess.run(["rsvg-convert", os.path.join(out, "fit.svg"), "-o", os.path.join(out, "fit.png")],
                                capture_output=True, text=True)
            print(f"{'ok  ' if rr.returncode == 0 else 'FAIL'} fit.svg renders with rsvg-convert ({circles} circles)")
            ok &= rr.returncode == 0
        else:
            print(f"ok   fit.svg is well-formed ({circles} circles; rsvg-convert not installed)")
        x, y = datasets.load_set(a.data)
        exe = build(out)
        template = np.zeros((1, int(y.max()) + 1), dtype=np.float32)
        got = float(np.mean(run_samples(exe, x.astype(np.float32), template, out).reshape(len(x), -1).argmax(1) == y))
    with tempfile.TemporaryDirectory() as d:
        reference = accuracy(a.emlc, a.model, x, y, d, [])
    drop = 100 * (reference - got)
    good = drop <= a.max_drop
    print(f"{'ok  ' if good else 'FAIL'} the fit module's C: top-1 {got:.4f} on {len(x)} test samples (float model's C "
          f"{reference:.4f}, {drop:+.2f} pp; limit {a.max_drop} pp)")
    ok &= good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
