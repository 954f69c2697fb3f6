#!/usr/bin/python3
"""Golden hashes of emlc's emitted C: a refactor of the compiler must not change
what it emits. Compiles every shared model for several targets and options
(kernel choice, --optimize size, budget fallback, post-training quantization)
and the in-scope ONNX backend tests, hashes the emitted files (sha256 over their
names and contents) and compares with golden_c.sha256 beside this script.

  golden_c.py EMLC [--update] [--only SUBSTRING] [--jobs N]

A deliberate change of the emitted C (a new kernel, a better schedule) updates
the file with --update in the same commit, and its message says why. A case that
emlc rejects is recorded as 'rejected' (a model that starts or stops compiling
is a difference too). Exit 0: all equal; 1: differences (listed); 77: no
../shared/models and no ONNX test data."""
import argparse
import concurrent.futures
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "test", "conformance"))
from emlc_testlib import dataset, input_names, perturbed_calibration, shape_args  # noqa: E402

MODELS = os.path.join(ROOT, "..", "shared", "models")
DATA = os.path.join(ROOT, "..", "shared", "data")
GOLDEN = os.path.join(HERE, "golden_c.sha256")

# The targets of the architecture issue's acceptance list, then the other MCU targets.
TARGETS = ["generic", "x86-64", "x86-64-avx2", "cortex-m4", "cortex-m55", "rv32imac"]
MORE_TARGETS = ["cortex-m0plus", "cortex-m3", "cortex-m7", "cortex-m33", "rv32imc", "rv32imafc"]
SIZE_TARGETS = ["cortex-m0plus", "cortex-m4", "cortex-m55", "rv32imac", "rv32imafc"]


def shared_cases():
    """(case id, model path, extra arguments) for every shared model."""
    if not os.path.isdir(MODELS):
        return []
    cases = []
    for m in sorted(os.listdir(MODELS)):
        model = os.path.join(MODELS, m, "model.onnx")
        if not os.path.isfile(model):
            continue
        sets = sorted(d for d in os.listdir(os.path.join(MODELS, m)) if d.startswith("test_data_set_"))
        ins0, _ = dataset(os.path.join(MODELS, m, sets[0]))
        shapes = shape_args(input_names(model), ins0)
        for t in TARGETS + MORE_TARGETS:
            cases.append((f"{m}/{t}", model, ["--target", t, *shapes]))
        for t in SIZE_TARGETS:
            cases.append((f"{m}/{t}/size", model, ["--target", t, "--optimize", "size", *shapes]))
        # Budgets: the fastest kernels' weights or scratch over the limit fall back to the smallest kernels.
        if m in ("mlperftiny-ic-resnet8-fp32", "mlperftiny-vww-mobilenetv1-0.25-int8-qdq"):
            cases.append((f"{m}/cortex-m55/ram-limit", model, ["--target", "cortex-m55", "--ram-limit", "200K", *shapes]))
            cases.append((f"{m}/cortex-m4/flash-limit", model, ["--target", "cortex-m4", "--flash-limit", "330K", *shapes]))
    return cases


def ptq_cases(work):
    """Post-training quantization: the data sets' calibration files, and the
    MLPerf Tiny float models calibrated on perturbed copies of their input."""
    if not os.path.isdir(MODELS):
        return []
    cases = []
    calib = {"fashion-cnn-fp32": "fashion", "fashion-dscnn-fp32": "fashion", "fashion-mlp-fp32": "fashion",
             "digits-cnn-fp32-op13": "digits", "digits-cnn-fp32-bn-op13": "digits"}
    for m, d in calib.items():
        model = os.path.join(MODELS, m, "model.onnx")
        x = os.path.join(DATA, d, "calib_x.npy")
        if not (os.path.isfile(model) and os.path.isfile(x)):
            continue
        for t in ["generic", "cortex-m4", "x86-64-avx2"]:
            cases.append((f"{m}/{t}/ptq-minmax", model, ["--target", t, "--quantize=int8", "--calibration", x]))
        cases.append((f"{m}/cortex-m55/ptq-percentile-io", model,
                      ["--target", "cortex-m55", "--quantize=int8", "--calibration", x,
                       "--calibration-method", "percentile", "--io", "int8"]))
    for m in ["mlperftiny-ad-fc-autoencoder-fp32", "mlperftiny-ic-resnet8-fp32", "mlperftiny-kws-dscnn-fp32-int8weights",
              "mlperftiny-vww-mobilenetv1-0.25-fp32"]:
        folder = os.path.join(MODELS, m)
        if not os.path.isdir(folder):
            continue
        model = os.path.join(folder, "model.onnx")
        ins0, _ = dataset(os.path.join(folder, "test_data_set_0"))
        x = os.path.join(work, m + ".npy")
        perturbed_calibration(ins0[0], x)
        shapes = shape_args(input_names(model), ins0)
        for t in ["generic", "cortex-m4", "rv32imac"]:
            cases.append((f"{m}/{t}/ptq-perturbed", model, ["--target", t, *shapes, "--quantize=int8", "--calibration", x]))
    return cases


def conformance_cases():
    """The in-scope ONNX backend tests, bound as the conformance runner binds them (data set 0)."""
    try:
        import run_conformance as rc
    except Exception:
        return []
    if not os.path.isdir(rc.DATA):
        return []
    cases = []
    for suite in rc.SUITES:
        base = os.path.join(rc.DATA, suite)
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            test_dir = os.path.join(base, name)
            model = os.path.join(test_dir, "model.onnx")
            if not os.path.isfile(model):
                continue
            try:
                in_scope, _ = rc.classify(model)
            except Exception:
                continue
            if not in_scope:
                continue
            sets = sorted(d for d in os.listdir(test_dir) if d.startswith("test_data_set_"))
            extra = []
            try:
                names = input_names(model)
                bound = rc.param_inputs(model) if sets else []
                ins0, _ = dataset(os.path.join(test_dir, sets[0])) if sets else ([], [])
                for k, (n, a) in enumerate(zip(names, ins0)):
                    if k in bound:
                        extra += ["--input-value", f"{n}={os.path.join(test_dir, sets[0], f'input_{k}.pb')}"]
                    else:
                        extra += shape_args([n], [a])
            except Exception:
                extra = []
            for t in ["generic", "x86-64-avx2"]:
                cases.append((f"onnx-{suite}/{name}/{t}", model, ["--target", t, *extra]))
    return cases


def digest(emlc, case):
    cid, model, extra = case
    out = tempfile.mkdtemp(prefix="emlc-golden-")
    try:
        r = subprocess.run([emlc, "compile", model, "-o", out, "--name", "net", *extra],
                           capture_output=True, text=True, timeout=600)
        if r.returncode < 0 or r.returncode > 2:
            return cid, f"crash-{r.returncode}"
        if r.returncode != 0:
            return cid, "rejected"
        h = hashlib.sha256()
        for f in sorted(os.listdir(out)):
            h.update(f.encode() + b"\0")
            with open(os.path.join(out, f), "rb") as fh:
                h.update(fh.read())
            h.update(b"\0")
        return cid, h.hexdigest()
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("emlc")
    ap.add_argument("--update", action="store_true", help="write the hashes instead of comparing")
    ap.add_argument("--only", default="", help="only cases whose id contains this")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="emlc-golden-calib-")
    try:
        cases = shared_cases() + ptq_cases(work) + conformance_cases()
        if args.only:
            cases = [c for c in cases if args.only in c[0]]
        if not cases:
            print("SKIP: neither ../shared/models nor the ONNX backend test data is here")
            return 77
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
            got = dict(ex.map(lambda c: digest(args.emlc, c), cases))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    old = {}
    if os.path.isfile(GOLDEN):
        with open(GOLDEN) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    h, cid = line.split(None, 1)
                    old[cid.strip()] = h
    if args.update:
        merged = {**old, **got}
        with open(GOLDEN, "w") as f:
            f.write("# sha256 of the emitted C (or 'rejected') per case: test/golden/golden_c.py --update writes it\n")
            for cid in sorted(merged):
                f.write(f"{merged[cid]}  {cid}\n")
        print(f"wrote {len(merged)} hashes ({len(got)} computed)")
        return 0
    diffs = [cid for cid in sorted(got) if old.get(cid) != got[cid]]
    for cid in diffs:
        print(f"DIFF {cid}: golden {old.get(cid, 'missing')}, now {got[cid]}")
    crashes = [cid for cid, h in got.items() if h.startswith("crash")]
    print(f"{len(got) - len(diffs)} equal, {len(diffs)} differ ({len(crashes)} crashes) of {len(got)} cases")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
