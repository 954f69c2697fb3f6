#!/usr/bin/python3
"""The cost model against QEMU: for every model in ../shared/models x target,
`emlc compile --report` gives the cost model's instructions_estimate (per
layer: target.json cost_per_mac x MACs + cost_per_output x output elements +
cost_per_patch x patch elements for a kernel with MACs, cost_per_element x
output elements for one without, plus cost_per_call a call; docs/REPORT.md)
and `emlc verify` the instructions of one inference counted under QEMU by the
project's plugin (the difference of two runs: start-up excluded). Prints per
model x target MACs, estimated, measured, their ratio (est / meas) and the
layers whose kernel has no cost entry (they add only cost_per_call); the
closing line counts the rows within +-15% (--tolerance). Both commands run
with the same options (the default --optimize speed; compile binds symbolic
input dimensions to test_data_set_0's shapes, as verify does).

How cortex-m4, cortex-m55 and rv32imac were calibrated (issue 17; their
cost_source): the large kernels from scripts/profile_mcu.py --inline (each
kernel's function with its im2col/row/slot helpers, per model), the
convolutions' four terms (per MAC, output, patch element, call) by the
smallest worst-case relative error over the models that use them with the
other kernels fixed, the fully connected and elementwise kernels from the
models with one kernel (MLPerf AD, fashion-mlp, ResNet-8's adds), the
kernels gcc inlines into model_run (pools, reductions, softmax) from its
residual, the default cost_per_call from tflm-hello-world-sine. --fit prints
a plain least-squares refit (per MAC, element and output, one cost a call)
next to the current values: a check and a starting point for a new target or
kernel, not the calibration itself (with few models per kernel it trades one
kernel for another).

Cortex-M0+, Cortex-M3 (QEMU mps2-an385), x86-64 and x86-64-avx2 were calibrated with bench/cost_fit.py (its
docstring has the calls): this script's --json rows and each model's scripts/profile_mcu.py --inline profile seed
the terms (a kernel kept as a function: its own instructions per MAC or element; one gcc inlines: Cortex-M4's
cost), then a linear program fits every term by the smallest worst-case relative error over the models. The x86
targets' instructions are counted under qemu-x86_64 -cpu max (qemu-user; their target.json instruction_counter),
the program also running natively where its outputs are judged; without qemu-user a row fails ("not counted")
rather than being skipped.

--int16 checks the int16-activation kernels (TFLite's 16x8, what --precision auto picks within --ram-limit) instead:
each model named *-fp32 with a ../shared/data/<its first word>/calib_x.npy (the three fashion ones) quantized, every
layer with MACs pinned w8a16 ("all"), the first and last only ("ends") and the others ("inner"), so the
requantizations at int8/int16 boundaries are in too. Their terms (cortex-m4, cortex-m55, rv32imac, the x86
targets; each target.json's cost_source) came from these plans' per-kernel profiles, scripts/profile_mcu.py
--kernels (gcc's inlining, but every kernel model_run calls a function of its own): each kernel's own instructions
fitted per MAC, output and patch element (the convolutions, the fully connected kernels) or taken per element (the
conversions), the default cost_per_call kept.

usage: bench/cost_model.py [build/bin/emlc] [--targets cortex-m4 cortex-m55 rv32imac] [--models a b] [--int16]
                           [--tolerance 0.15] [--fit] [--json FILE]
Exit status 1 if a row that compiled and verified is outside the tolerance."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "models")
DATA = os.path.join(ROOT, "..", "shared", "data")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import emlc_testlib  # noqa: E402
import target_desc  # noqa: E402
# As bench/mcu.py: the PyTorch QDQ model's reference is ONNX Runtime's float simulation (2 output LSB apart).
REL_TOL = {"digits-cnn-int8-qdq-torch": 0.0133}


def split(values):
    """Space- or comma-separated arguments."""
    return [v for a in values for v in a.split(",") if v]


def estimate(emlc, model, target, extra=()):
    """The compile report's totals and, per kernel, its units (MACs or output elements) and calls."""
    path = os.path.join(SHARED, model, "model.onnx")
    # verify binds symbolic dimensions (the digits models' batch) to its data's shapes: the same here
    inputs, _ = emlc_testlib.dataset(os.path.join(SHARED, model, "test_data_set_0"))
    shapes = emlc_testlib.shape_args(emlc_testlib.input_names(path), inputs)
    with tempfile.TemporaryDirectory() as d:
        report = os.path.join(d, "report.json")
        r = subprocess.run([emlc, "compile", path, "-o", d, "--target", target, "--report", report, *shapes, *extra],
                           capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            return {"error": "compile: " + ((r.stderr.strip().splitlines() or ["?"])[-1][:120])}
        with open(report) as f:
            rep = json.load(f)
    desc = target_desc.load(target)
    costed = set(desc.get("cost_per_mac", {})) | set(desc.get("cost_per_element", {}))
    units, uncosted = {}, []
    for layer in rep["layers"]:
        n = layer["macs"]
        if not n and layer["outputs"]:
            n = 1
            for dim in layer["outputs"][0]["shape"]:
                n *= dim
        kind = "mac" if layer["macs"] else "element"
        u = units.setdefault(layer["kernel"], {"kind": kind, "units": 0, "outputs": 0, "patches": 0, "calls": 0})
        u["units"] += n
        u["calls"] += 1
        if layer["macs"] and layer["outputs"]:  # the output's elements (a scratch buffer comes first)
            out = 1
            for dim in layer["outputs"][-1]["shape"]:
                out *= dim
            u["outputs"] += out
            shape = layer["outputs"][-1]["shape"]
            if len(shape) == 4 and shape[1] > 0:  # patch elements: MACs / output channels (NCHW)
                u["patches"] += layer["macs"] / shape[1]
        if layer["kernel"] not in costed:
            uncosted.append(layer["kernel"])
    t = rep["totals"]
    weighted = list(dict.fromkeys(layer["node"] for layer in rep["layers"] if layer["macs"] and layer["node"]))
    return {"macs": t["macs"], "estimate": t["instructions_estimate"], "calls": t["kernel_calls"], "units": units,
            "uncosted": uncosted, "weighted": weighted}


def int16_plans(emlc, model, target):
    """--int16: the model quantized on its calibration set, int8 weights, and int16 activations (w8a16) on every
    layer with MACs ("all"), on the first and last only ("ends") and on the others ("inner"): mixes with int8
    layers and requantizations at each boundary. None for a model not named *-fp32 or without a calibration set
    (../shared/data/<first word of its name>/calib_x.npy)."""
    calib = os.path.join(DATA, model.split("-")[0], "calib_x.npy")
    if not model.endswith("-fp32") or not os.path.isfile(calib):
        return None
    base = ["--quantize=int8", "--calibration", calib]
    layers = estimate(emlc, model, target, base).get("weighted", [])
    pin = lambda names: [a for n in names for a in ("--layer-precision", n + "=w8a16")]  # noqa: E731
    plans = [("w8a16:all", base + pin(layers))]
    if len(layers) > 2:
        plans += [("w8a16:ends", base + pin([layers[0], layers[-1]])), ("w8a16:inner", base + pin(layers[1:-1]))]
    return plans


def measure(emlc, model, target, extra=()):
    r = subprocess.run([emlc, "verify", os.path.join(SHARED, model, "model.onnx"), "--target", target,
                        "--rel-tol", str(REL_TOL.get(model, 1e-4)), *extra], capture_output=True, text=True,
                       timeout=1800)
    m = re.search(r"instructions per inference: (\d+)", r.stdout)
    note = re.search(r"note: (instructions not counted: .*)", r.stdout)
    if not m and (note or r.returncode == 0):  # ran, but nothing counted (qemu-user missing): a failure, not a skip
        return {"error": "verify: " + (note.group(1) if note else "it counted no instructions"), "fail": True}
    if not m:
        last = (r.stdout + r.stderr).strip().splitlines() or ["?"]
        return {"error": "verify: " + last[-1][:120]}
    # The count is the cost model's reference even if the outputs are off (said in the row).
    return {"measured": int(m.group(1)), "verify_ok": r.returncode == 0}


def fit(rows, target, prior_weight=0.05):
    """Non-negative least squares of the relative error over the rows: sum_k (c_k units_k + o_k outputs_k) / measured
    + c_call calls / measured = 1 (c_k per MAC or per element of kernel k, o_k per output element of a kernel with
    MACs), kept near the target's current costs (prior_weight per relative deviation): a kernel of few models is
    pinned by their residual, one of many by all of them."""
    import numpy as np
    rows = [r for r in rows if r["target"] == target and r.get("measured")]
    desc = target_desc.load(target)
    kernels = sorted({(u["kind"], k) for r in rows for k, u in r["units"].items()})
    cols = [(kind, k) for kind, k in kernels] + [("output", k) for kind, k in kernels if kind == "mac"] + [("call", "")]
    table = {"mac": "cost_per_mac", "element": "cost_per_element", "output": "cost_per_output"}
    calls = desc.get("cost_per_call")
    calls = calls.get("default") if isinstance(calls, dict) else calls
    prior = [calls if kind == "call" else desc.get(table[kind], {}).get(k) for kind, k in cols]

    def value(r, kind, k):
        if kind == "call":
            return r["calls"]
        u = r["units"].get(k)
        return 0 if u is None else u["outputs" if kind == "output" else "units"]
    a = np.array([[value(r, kind, k) / r["measured"] for kind, k in cols] for r in rows], dtype=float)
    b = np.ones(len(rows))
    for i, p in enumerate(prior):  # a row per known cost: (c - p) / p = 0, weighted
        if p:
            a = np.vstack([a, np.eye(len(cols))[i] * prior_weight / p])
            b = np.append(b, prior_weight)
    free = list(range(len(cols)))
    coef = np.zeros(len(cols))
    while free:  # active set: drop the negative coefficients (a cost is >= 0) and solve again
        sol, *_ = np.linalg.lstsq(a[:, free], b, rcond=None)
        if (sol >= 0).all():
            coef[free] = sol
            break
        free = [f for f, v in zip(free, sol) if v >= 0]
    print(f"fit for {target} over {len(rows)} models:")
    for (kind, k), p, c in zip(cols, prior, coef):
        used = sum(1 for r in rows if k in r["units"] or kind == "call")
        print(f"  {k or '(call)':<36} {kind:<8} current {p if p is not None else '-':>7} fitted {c:9.3f}  "
              f"({used} models)")
    fitted = a[:len(rows)] @ coef
    print(f"  fitted est/meas: min {fitted.min():.3f} max {fitted.max():.3f}")
    return {(kind, k): c for (kind, k), c in zip(cols, coef)}


def row(args, m, t, plan, extra):
    """One model (and --int16 plan) on one target: estimated, measured, printed."""
    r = {"model": m + (" " + plan if plan else ""), "target": t, **estimate(args.emlc, m, t, extra)}
    if "error" not in r:
        r.update(measure(args.emlc, m, t, extra))
    line = f"{r['model']:<48} {t:<11}"
    if "error" in r:
        line += (" FAILED: " if r.get("fail") else " skipped: ") + r["error"]
    else:
        r["ratio"] = r["estimate"] / r["measured"] if r["measured"] else None
        kinds = sorted(set(r["uncosted"]))
        line += (f" {r['macs']:>10} {r['estimate']:>11} {r['measured']:>11} {r['ratio']:>6.3f}  "
                 f"{len(r['uncosted'])}" + (f" ({', '.join(kinds)})" if kinds else "") +
                 ("" if r["verify_ok"] else "  [outputs differ]"))
    print(line, flush=True)
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc", nargs="?", default=os.path.join(ROOT, "build", "bin", "emlc"))
    ap.add_argument("--targets", nargs="+", default=["cortex-m4", "cortex-m55", "rv32imac"])
    ap.add_argument("--models", nargs="+", default=[])
    ap.add_argument("--tolerance", type=float, default=0.15)
    ap.add_argument("--fit", action="store_true", help="also print least-squares costs per target")
    ap.add_argument("--int16", action="store_true", help="the int16-activation plans (w8a16) of the float models "
                    "with a calibration set in ../shared/data instead of the models as they are")
    ap.add_argument("--json")
    args = ap.parse_args()
    if not os.path.isdir(SHARED):
        print(f"SKIP: {SHARED} not found")
        return 77
    targets = split(args.targets)
    models = split(args.models) or sorted(
        d for d in os.listdir(SHARED) if os.path.isdir(os.path.join(SHARED, d, "test_data_set_0")))
    rows = []
    print(f"{'model':<48} {'target':<11} {'MACs':>10} {'estimated':>11} {'measured':>11} {'ratio':>6}  "
          f"uncosted layers")
    for t in targets:
        for m in models:  # sequential: QEMU runs are timed by instruction count, not wall clock, but share 2 cores
            plans = int16_plans(args.emlc, m, t) if args.int16 else [("", [])]
            for plan, extra in plans or []:
                rows.append(row(args, m, t, plan, extra))
    done = [r for r in rows if r.get("ratio") is not None]
    within = [r for r in done if abs(r["ratio"] - 1) <= args.tolerance]
    failed = [r for r in rows if r.get("fail")]
    print(f"{len(within)} of {len(done)} within +-{args.tolerance * 100:.0f}% "
          f"({len(rows) - len(done) - len(failed)} skipped, {len(failed)} not counted)")
    for r in failed:
        print(f"FAIL: {r['model']} on {r['target']}: {r['error']}")
    if args.fit:
        for t in targets:
            fit(rows, t)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"benchmark": "cost_model", "tolerance": args.tolerance, "rows": rows}, f, indent=1)
    return 0 if len(within) == len(done) and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
