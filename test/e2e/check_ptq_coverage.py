#!/usr/bin/python3
"""Post-training quantization covers every float model emlc compiles (issue 15):
`--quantize=int8` either works or refuses with a message that names the op,
so no op is silently left out of calibration.

Models: the shared float models (../shared/models without QuantizeLinear,
QLinear* or *Integer nodes) and the float ONNX backend tests (libonnx-testdata's
node, pytorch-converted, pytorch-operator and simple suites), in two groups:

  single  one float32 input once the parameter inputs (Resize's scales, Pad's
          pads, ...) are bound with --input-value, as the conformance runner
          binds them: the acceptance set;
  bound   more inputs (ConvTranspose's W, Gather's indices, LayerNorm's scale),
          so every input but the first float32 one is bound, as a deployed
          model has them as constants.

Each is compiled in float first (shapes from test_data_set_0); one that does
not compile in float is out of scope (skipped). The int8 compile calibrates on
test_data_set_0's data input:

  ok       it compiled;
  refused  emlc exited with an error that names an op (an nn op, an ONNX op
           type of the model, or 'node NAME') and is not an internal one;
  BAD      a crash, an internal error, the interpreter not evaluating an op,
           or an error that names no op.

Prints one line per BAD model (every model with -v) and the counts per group;
exit 1 when any model is BAD."""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
sys.path.insert(0, os.path.join(HERE, "..", "conformance"))
from emlc_testlib import dataset, input_names, shape_args  # noqa: E402
from run_conformance import DATA, SUITES, param_inputs  # noqa: E402

# Nodes that make a model an int8 one (weights-only DequantizeLinear of a
# float model folds into float constants).
QUANTIZED_OPS = {"QuantizeLinear", "QLinearConv", "QLinearMatMul", "ConvInteger", "MatMulInteger",
                 "DynamicQuantizeLinear"}
# Messages that are never a clean refusal.
INTERNAL = re.compile(r"does not evaluate|has no value|internal|LLVM ERROR|Assertion|UNREACHABLE|Stack dump|"
                      r"PLEASE submit|Segmentation|Aborted|function without a return", re.IGNORECASE)


def candidate(model_dir):
    """(group, args binding the inputs, calibration file, op types) of a model
    in scope, else None. Group 'single': one float32 input once the parameter
    inputs are bound; 'bound': more, so every input but the first float32 one
    is bound too (weights, indices, scales as constants, as a deployed model
    has them)."""
    model = os.path.join(model_dir, "model.onnx")
    data = os.path.join(model_dir, "test_data_set_0")
    if not os.path.exists(model) or not os.path.isdir(data):
        return None
    try:
        m = onnx.load(model, load_external_data=False)
        if any(n.op_type in QUANTIZED_OPS for n in m.graph.node):
            return None
        names = input_names(model)
        bound = set(param_inputs(model))
        ins, _ = dataset(data)
    except Exception:  # sequences, optionals, unreadable files: not tensors
        return None
    if len(ins) != len(names):
        return None
    free = [k for k in range(len(names)) if k not in bound]
    floats = [k for k in free if str(ins[k].dtype) == "float32"]
    if not floats:
        return None
    group = "single" if len(free) == 1 else "bound"
    k = floats[0]
    args = shape_args([names[k]], [ins[k]])
    for b in range(len(names)):
        if b != k:
            args += ["--input-value", f"{names[b]}={os.path.join(data, f'input_{b}.pb')}"]
    ops = sorted({n.op_type for n in m.graph.node})
    return group, args, os.path.join(data, f"input_{k}.pb"), ops


def compile_once(emlc, model, extra):
    """(exit code, stderr) of one emlc compile into a scratch folder."""
    work = tempfile.mkdtemp(prefix="emlc-ptqcov-")
    try:
        r = subprocess.run([emlc, "compile", model, "-o", work, *extra], capture_output=True, text=True, timeout=600)
        return r.returncode, r.stderr
    except subprocess.TimeoutExpired:
        return -1, "timed out"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def names_an_op(errors, ops):
    """Whether the error lines name the op they refuse."""
    text = " ".join(errors)
    if re.search(r"'nn\.\w+'|\bnn\.\w+|node '", text):
        return True
    return any(re.search(r"\b" + re.escape(op) + r"\b", text) for op in ops)


def check(emlc, name, model_dir, group, args, calib, ops):
    """(status, message): skipped, ok, refused or BAD."""
    model = os.path.join(model_dir, "model.onnx")
    rc, err = compile_once(emlc, model, args)
    if rc != 0:
        return "skipped", "does not compile in float"
    rc, err = compile_once(emlc, model, args + ["--quantize=int8", "--calibration", calib])
    errors = [l for l in err.splitlines() if "error:" in l]
    if rc == 0:
        return "ok", ""
    if rc < 0 or rc > 2:
        return "BAD", f"crash (exit {rc}): {err.strip()[-300:]}"
    if not errors:
        return "BAD", f"failed without an error line: {err.strip()[-300:]}"
    if INTERNAL.search(err):
        return "BAD", errors[0][:300]
    if not names_an_op(errors, ops):
        return "BAD", "the error names no op: " + errors[0][:300]
    return "refused", errors[0][:300]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc")
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "shared", "models"),
                    help="the shared models folder")
    ap.add_argument("--data", default=DATA, help="libonnx-testdata's data folder")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--filter", default="", help="only models whose name contains this")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per model")
    args = ap.parse_args()
    dirs = []
    if os.path.isdir(args.shared):
        dirs += [(f"shared/{d}", os.path.join(args.shared, d)) for d in sorted(os.listdir(args.shared))]
    else:
        print(f"note: {args.shared} absent, shared models not checked")
    if not os.path.isdir(args.data):
        print(f"check_ptq_coverage: {args.data} missing (apt-get install libonnx-testdata)")
        return 1
    for suite in SUITES:
        base = os.path.join(args.data, suite)
        dirs += [(f"{suite}/{t}", os.path.join(base, t)) for t in sorted(os.listdir(base))]
    todo = []
    for name, d in dirs:
        if args.filter in name:
            c = candidate(d)
            if c:
                todo.append((name, d, *c))
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = {ex.submit(check, args.emlc, *t): t[0] for t in todo}
        for f in concurrent.futures.as_completed(futs):
            results[futs[f]] = f.result()
    counts = {g: {"ok": 0, "refused": 0, "BAD": 0, "skipped": 0} for g in ("single", "bound")}
    group = {t[0]: t[2] for t in todo}
    for name in sorted(results):
        status, msg = results[name]
        counts[group[name]][status] += 1
        if status == "BAD" or (args.verbose and status != "skipped"):
            print(f"{status:8} {name}{' (' + group[name] + ')' if group[name] != 'single' else ''}"
                  f"{': ' + msg if msg else ''}")
    for g, what in (("single", "with a single float input"),
                    ("bound", "with more inputs, all but the first float one bound with --input-value")):
        c = counts[g]
        n = sum(c.values())
        print(f"{n} models {what}: {c['skipped']} do not compile in float (out of scope); of the "
              f"{n - c['skipped']} that do, --quantize=int8: {c['ok']} ok, {c['refused']} refused naming the op, "
              f"{c['BAD']} bad")
    bad = counts["single"]["BAD"] + counts["bound"]["BAD"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
