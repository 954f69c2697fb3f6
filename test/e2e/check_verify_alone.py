"""emlc verify on every shared model copied alone into a folder (no test data): seeded random inputs, expected
outputs from emlc's reference interpreter; and, for the float models, on a --quantize=int8 build (calibrated on
the model's own test_data_set_0 input; the quantization error is reported, not judged). Prints a table and
"N passed, N failed". Usage: check_verify_alone.py EMLC MODELS_DIR [--target T]"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("emlc")
ap.add_argument("models")
ap.add_argument("--target", default="generic")
args = ap.parse_args()
if not os.path.isdir(args.models):
    print(f"no shared models at {args.models}")
    sys.exit(77)

passed = failed = 0
work = tempfile.mkdtemp(prefix="verify-alone-")
print(f"{'model':48} {'build':8} {'result':8} detail")
for name in sorted(os.listdir(args.models)):
    model = os.path.join(args.models, name, "model.onnx")
    if not os.path.isfile(model):
        continue
    alone = os.path.join(work, name)
    os.makedirs(alone)
    shutil.copy(model, os.path.join(alone, "model.onnx"))
    runs = [("as is", [])]
    calib = os.path.join(args.models, name, "test_data_set_0", "input_0.pb")
    if "fp32" in name and os.path.isfile(calib):
        runs.append(("int8", ["--quantize=int8", "--calibration", calib]))
    for build, extra in runs:
        p = subprocess.run([args.emlc, "verify", os.path.join(alone, "model.onnx"), "--target", args.target] + extra,
                           capture_output=True, text=True, timeout=600)
        text = p.stdout + p.stderr
        ok = p.returncode == 0 and "verify: ok" in text and "reference interpreter" in text
        lines = [l.strip() for l in text.splitlines() if re.match(r"\s+(ok|info|FAIL)\s+output", l)]
        detail = "; ".join(lines)[:150] if lines else text.strip().splitlines()[-1][:150]
        print(f"{name:48} {build:8} {'ok' if ok else 'FAIL':8} {detail}")
        passed += ok
        failed += not ok
shutil.rmtree(work)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
