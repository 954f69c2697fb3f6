#!/usr/bin/python3
"""ONNX backend-test conformance for emlc.

Runs every test of Debian's libonnx-testdata through compile -> build
(gcc -Werror) -> run -> compare (rtol 1e-3, atol 1e-5). Tests whose ops are
all in emlc's supported list and whose inputs/outputs are plain tensors are
"in scope": each must pass or be listed with a reason in known_failures.txt.
Every other test must be rejected cleanly at compile time (or pass); a crash
of the compiler or of the emitted program is always a failure, and so is an
ASan/UBSan report of the emitted program with --sanitize.

Exit status is 0 when nothing unexpected happened: no new failure, no crash,
no known failure that now passes (remove it from the list). The last line is
'N passed, N failed' over the in-scope tests."""
import argparse
import concurrent.futures
import os
import shutil
import sys
import tempfile

import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
import target_desc  # noqa: E402
from emlc_testlib import SANITIZE_FLAGS, Failure, build, compare, compile_model, dataset, input_names, run, shape_args  # noqa: E402

DATA = "/usr/share/libonnx-testdata/data"
SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple"]

# The float op set of the foundation issue (docs/ARCHITECTURE.md).
SUPPORTED = set("""Conv ConvTranspose Gemm MatMul Relu LeakyRelu PRelu Clip Sigmoid HardSigmoid HardSwish Tanh
Elu Selu Softmax LogSoftmax Exp Log Sqrt Abs Neg Reciprocal Floor Ceil Erf Pow MaxPool AveragePool
GlobalAveragePool GlobalMaxPool BatchNormalization InstanceNormalization LayerNormalization Add Sub Mul Div
Min Max Sum Mean Concat Reshape Flatten Squeeze Unsqueeze Transpose Pad Slice Split Gather ReduceMean ReduceMax
ReduceMin ReduceSum Identity Dropout Constant Shape Cast Resize Upsample DepthToSpace SpaceToDepth LSTM GRU
RNN Round""".split())
# The quantized op set of the int8 issue.
SUPPORTED |= set("""QuantizeLinear DequantizeLinear QLinearConv QLinearMatMul ConvInteger MatMulInteger
DynamicQuantizeLinear""".split())


def classify(model_path):
    """(in_scope, why_not) for one test model."""
    m = onnx.load(model_path, load_external_data=False)
    ops = {n.op_type for n in m.graph.node}
    bad = sorted(ops - SUPPORTED)
    if bad:
        return False, "ops outside the supported list: " + ", ".join(bad)
    for v in list(m.graph.input) + list(m.graph.output):
        if not v.type.HasField("tensor_type"):
            return False, f"'{v.name}' is not a plain tensor"
    return True, ""


# Operand positions that an ahead-of-time compiler needs as constants (shapes,
# axes, pads, scales...). Real models carry them as initializers or Constant
# nodes; backend tests often feed them as graph inputs, so the runner binds
# those inputs with --input-value (they then leave the C API).
PARAM_POSITIONS = {
    "Reshape": {1}, "Expand": {1}, "Squeeze": {1}, "Unsqueeze": {1}, "ReduceSum": {1}, "ReduceMean": {1},
    "ReduceMax": {1}, "ReduceMin": {1}, "Slice": {1, 2, 3, 4}, "Split": {1}, "Pad": {1, 2}, "Clip": {1, 2},
    "Resize": {1, 2, 3}, "Upsample": {1}, "ConstantOfShape": {0}, "Dropout": {1, 2},
    "BatchNormalization": {1, 2, 3, 4}, "LSTM": {4}, "GRU": {4}, "RNN": {4},
    # Quantization parameters and weights: integer kernels are specialized on them.
    "QuantizeLinear": {1, 2}, "DequantizeLinear": {1, 2}, "QLinearConv": {1, 2, 3, 4, 5, 6, 7, 8},
    "QLinearMatMul": {1, 2, 3, 4, 5, 6, 7}, "ConvInteger": {1, 2, 3}, "MatMulInteger": {1, 2, 3},
}


def param_inputs(model_path):
    """Indices (among non-initializer inputs) of graph inputs in parameter positions."""
    g = onnx.load(model_path, load_external_data=False).graph
    names = input_names(model_path)
    bound = set()
    for n in g.node:
        for pos in PARAM_POSITIONS.get(n.op_type, ()):
            if pos < len(n.input) and n.input[pos] in names:
                bound.add(names.index(n.input[pos]))
    return sorted(bound)


def run_one(emlc, test_dir, in_scope, target="generic", cflags=()):
    model = os.path.join(test_dir, "model.onnx")
    sets = sorted(d for d in os.listdir(test_dir) if d.startswith("test_data_set_"))
    work = tempfile.mkdtemp(prefix="emlc-conf-")
    try:
        names = input_names(model)
        bound = param_inputs(model) if sets else []
        # With bound inputs each data set is its own compile (the values may differ).
        groups = [[s] for s in sets] if bound else [sets]
        for group in groups:
            extra = []
            try:  # bind input shapes from the data, as a user would with --shape
                ins0, _ = dataset(os.path.join(test_dir, group[0])) if group else ([], [])
                for k, (n, a) in enumerate(zip(names, ins0)):
                    if k in bound:
                        extra += ["--input-value", f"{n}={os.path.join(test_dir, group[0], f'input_{k}.pb')}"]
                    else:
                        extra += shape_args([n], [a])
            except Exception:  # sequences/optionals: not tensors, nothing to bind
                extra = []
            try:
                compile_model(emlc, model, work, target=target, extra=extra)
            except Failure as f:
                return ("rejected" if f.stage == "compile" else "crash"), f.message
            if not group:
                return "pass", ""
            exe = build(work, extra_flags=cflags)
            for s in group:
                ins, want = dataset(os.path.join(test_dir, s))
                ins = [a for k, a in enumerate(ins) if k not in bound]
                got, _ = run(exe, ins, want, work)
                why = compare(got, want)
                if why:
                    return "mismatch", f"{s}: {why}"
        return "pass", ""
    except Failure as f:
        crashed = (f.stage == "run" and "exit -" in f.message) or f.stage == "sanitizer"
        return ("crash" if crashed else f.stage), f.message
    except Exception as e:  # a broken test file, a reference we cannot read
        return "error", f"{type(e).__name__}: {e}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--filter", default="", help="only tests whose name contains this")
    ap.add_argument("--known", default=os.path.join(HERE, "known_failures.txt"))
    ap.add_argument("--write-known", action="store_true", help="rewrite the known-failures file from this run")
    ap.add_argument("--target", default="generic", help="compile for this target (host targets only: the tests run here)")
    ap.add_argument("--sanitize", action="store_true",
                    help="build the emitted C with -fsanitize=address,undefined -fno-sanitize-recover=all: any "
                         "report is a crash")
    args = ap.parse_args()
    desc = target_desc.load(args.target)
    if "emulator" in desc:
        print(f"conformance: {args.target} does not run on the host")
        return 1
    if target_desc.host_lacks(desc):
        print(f"SKIP: this CPU cannot run {args.target} code")
        return 77
    cflags = target_desc.cflags_without_opt(desc) + (SANITIZE_FLAGS if args.sanitize else [])
    if not os.path.isdir(DATA):
        print(f"conformance: {DATA} missing (apt-get install libonnx-testdata)")
        return 1
    known = {}
    if os.path.exists(args.known):
        for line in open(args.known):
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, why = line.partition(":")
                known[name.strip()] = why.strip()
    tests = []
    for suite in SUITES:
        base = os.path.join(DATA, suite)
        for t in sorted(os.listdir(base)):
            p = os.path.join(base, t)
            if args.filter in t and os.path.exists(os.path.join(p, "model.onnx")):
                tests.append((f"{suite}/{t}", p))
    scoped = []
    for name, p in tests:
        try:
            ins, why = classify(os.path.join(p, "model.onnx"))
        except Exception as e:
            ins, why = False, f"unreadable model: {e}"
        scoped.append((name, p, ins, why))
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = {ex.submit(run_one, args.emlc, p, ins, args.target, cflags): (name, ins, why)
                for name, p, ins, why in scoped}
        for f in concurrent.futures.as_completed(futs):
            name, ins, why = futs[f]
            results[name] = (ins, why, *f.result())
    passed = failed = new = xpass = crashes = out_rejected = out_passed = 0
    new_known = {}
    for name in sorted(results):
        ins, why, status, msg = results[name]
        if status == "crash":
            crashes += 1
            print(f"CRASH {name}: {msg}")
        if not ins:
            if status == "pass":
                out_passed += 1
            elif status == "rejected":
                out_rejected += 1
            elif status != "crash":
                crashes += 1  # outside the list it must be rejected at compile time, not fail later
                print(f"NOT REJECTED {name} ({why}): {status}: {msg}")
            continue
        if status == "pass":
            passed += 1
            if name in known:
                xpass += 1
                print(f"XPASS {name}: passes now; remove it from known_failures.txt")
            continue
        failed += 1
        new_known[name] = f"{status}: {msg}"
        if name in known:
            print(f"known {name}: {status}: {msg}")
        else:
            new += 1
            print(f"FAIL {name}: {status}: {msg}")
    if args.write_known:
        with open(args.known, "w") as f:
            f.write("# ONNX backend tests (in scope: ops all in the supported list) that emlc does not pass yet.\n"
                    "# One per line: suite/test: reason. Generated by run_conformance.py --write-known, then\n"
                    "# reviewed; a test that starts passing must be removed (the runner reports XPASS).\n")
            for name in sorted(new_known):
                f.write(f"{name}: {new_known[name]}\n")
    total_in = passed + failed
    print(f"in scope: {total_in} tests ({passed} pass = {100.0 * passed / max(total_in, 1):.1f}%); "
          f"out of scope: {out_rejected} rejected cleanly, {out_passed} passed anyway; "
          f"{crashes} crashes; {new} new failures; {xpass} known failures now passing")
    print(f"{passed} passed, {failed} failed")
    return 0 if (new == 0 and crashes == 0 and xpass == 0) else 1


if __name__ == "__main__":
    sys.exit(main())
