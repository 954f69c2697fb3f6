#!/usr/bin/python3
"""emlc prune's pruned models, checked end to end (issue 16's acceptance).

For every float MLPerf Tiny model and the Fashion-MNIST models:
`emlc prune MODEL -o P.onnx --prune=0.25 --target TARGET` (input shapes bound
from test_data_set_0; with --calibration for the models that have it), then
  - onnx.checker.check_model(P, full_check=True), same input/output names and opset;
  - P runs in ONNX Runtime on every test_data_set_N input;
  - `emlc verify P --target TARGET` (QEMU for Cortex-M) compares the compiled
    pruned model with ONNX Runtime's outputs on P (float tolerance 1e-4 of
    max|ref|, as emlc verify's default);
  - the MAC reduction emlc prune reports is at least 20% (a 25% target rounded
    to the channel multiple).
Exit 0 when every model passes; prints one line per check."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import onnx
from onnx import numpy_helper as nh

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
sys.path.insert(0, HERE)
from check_onnx_export import ORT, prune, signature  # noqa: E402
from emlc_testlib import dataset, input_names, shape_args  # noqa: E402

MODELS = ["mlperftiny-ad-fc-autoencoder-fp32", "mlperftiny-ic-resnet8-fp32", "mlperftiny-kws-dscnn-fp32-int8weights",
          "mlperftiny-vww-mobilenetv1-0.25-fp32", "fashion-cnn-fp32", "fashion-dscnn-fp32"]
CALIBRATION = {"fashion-cnn-fp32": "fashion/calib_x.npy", "fashion-dscnn-fp32": "fashion/calib_x.npy"}


def write_set(folder, names, arrays, prefix):
    os.makedirs(folder, exist_ok=True)
    for k, (n, a) in enumerate(zip(names, arrays)):
        t = nh.from_array(a, n)
        with open(os.path.join(folder, f"{prefix}_{k}.pb"), "wb") as f:
            f.write(t.SerializeToString())


def check_model(emlc, ort, shared, name, target, work, ratio):
    d = os.path.join(shared, "models", name)
    src = os.path.join(d, "model.onnx")
    out = os.path.join(work, name + ".onnx")
    sets = sorted((s for s in os.listdir(d) if s.startswith("test_data_set_")), key=lambda s: int(s[14:]))
    ins0, _ = dataset(os.path.join(d, sets[0]))
    names = input_names(src)
    extra = [f"--prune={ratio}", "--target", target, *shape_args(names, ins0)]
    if name in CALIBRATION:
        extra += ["--calibration", os.path.join(shared, "data", CALIBRATION[name])]
    else:
        extra += ["--prune-importance", "l2", "--prune-schedule", "uniform"]
    try:
        summary = prune(emlc, src, out, extra)
        m = onnx.load(out)
        onnx.checker.check_model(m, full_check=True)
    except Exception as e:  # noqa: BLE001 - any failure is this model's
        print(f"FAIL {name}: {e}")
        return False
    ok = True
    if signature(m) != signature(onnx.load(src, load_external_data=False)):
        print(f"FAIL {name}: inputs/outputs/opset differ from the original's")
        ok = False
    cut = re.search(r"([0-9.]+)% fewer", summary)
    if not cut or float(cut.group(1)) < 80 * ratio:
        print(f"FAIL {name}: MACs cut {cut.group(1) if cut else '?'}%, expected >= {80 * ratio:.0f}%")
        ok = False
    print(f"ok   {name}: checker full_check passed; {summary.splitlines()[0][:160]}")
    for s in sets:
        ins, _ = dataset(os.path.join(d, s))
        try:
            got = ort.run(out, names, ins, work)
        except RuntimeError as e:
            print(f"FAIL {name} {s}: {e}")
            ok = False
            continue
        ref = os.path.join(work, name, s)
        write_set(ref, names, ins, "input")
        out_names = [o.name for o in m.graph.output]
        write_set(ref, out_names, got, "output")
        # the pruned model's input shapes are static (bound at prune time)
        r = subprocess.run([emlc, "verify", out, "--target", target, "--input", ref, "--expected", ref],
                           capture_output=True, text=True)
        line = next((l for l in r.stdout.splitlines() if "error" in l or "instructions" in l), r.stdout.strip()[:200])
        print(f"{'ok  ' if r.returncode == 0 else 'FAIL'} {name} {s}: emlc verify on {target} vs ONNX Runtime "
              f"on the pruned model: {line.strip()}")
        if r.returncode:
            print(r.stdout[-1500:], r.stderr[-1500:])
            ok = False
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("emlc")
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "shared"))
    ap.add_argument("--target", default="cortex-m4")
    ap.add_argument("--prune", type=float, default=0.25)
    ap.add_argument("--models", nargs="*", default=MODELS)
    ap.add_argument("--ort", default=os.path.join(HERE, "ort"))
    a = ap.parse_args()
    ort = ORT(a.ort)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as work:
        for name in a.models:
            if check_model(a.emlc, ort, a.shared, name, a.target, work, a.prune):
                passed += 1
            else:
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
