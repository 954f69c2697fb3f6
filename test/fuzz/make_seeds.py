#!/usr/bin/python3
"""Writes the seed corpus of emlc-fuzz (tools/emlc-fuzz) into OUTDIR: the shared
models and the ONNX backend tests (Debian's libonnx-testdata) under --max-bytes,
each made compilable on its own where that is easy, since the fuzz target has no
--shape or --input-value: symbolic or zero input dims become 1, and inputs that
the conformance runner binds with --input-value (a Reshape's shape, Resize's
scales, ...) become initializers holding test_data_set_0's value. The
checked-in reproducers of test/fuzz/regressions are added too.

  make_seeds.py OUTDIR [--shared ../shared/models] [--max-bytes 100000] [--scope in|all] [--limit N]

--scope in keeps the backend tests whose ops emlc supports (the CTest run's
short budget); all keeps every test (long campaigns: the others must be refused
cleanly). Prints how many seeds it wrote."""
import argparse
import hashlib
import os
import sys

import onnx
from onnx import TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "conformance"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
from run_conformance import DATA, SUITES, classify, param_inputs  # noqa: E402
from emlc_testlib import input_names  # noqa: E402


def fix_dims(model):
    """Symbolic or unknown graph-input dims -> 1 (what a user's --shape would give)."""
    for v in model.graph.input:
        if v.type.HasField("tensor_type"):
            for d in v.type.tensor_type.shape.dim:
                if not d.HasField("dim_value") or d.dim_value <= 0:
                    d.Clear()
                    d.dim_value = 1


def bind_params(model, test_dir, path):
    """Parameter-position graph inputs -> initializers from test_data_set_0."""
    data = os.path.join(test_dir, "test_data_set_0")
    if not os.path.isdir(data):
        return
    names = input_names(path)
    for k in param_inputs(path):
        pb = os.path.join(data, f"input_{k}.pb")
        if not os.path.exists(pb):
            continue
        t = TensorProto()
        with open(pb, "rb") as f:
            t.ParseFromString(f.read())
        t.name = names[k]
        model.graph.initializer.append(t)
        keep = [v for v in model.graph.input if v.name != names[k]]
        del model.graph.input[:]
        model.graph.input.extend(keep)


def seed_bytes(path, max_bytes):
    if os.path.getsize(path) > max_bytes:
        return None
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception:  # not a model: the fuzz target sees such bytes anyway
        return None
    if any(t.data_location == TensorProto.EXTERNAL for t in model.graph.initializer):
        return None  # the fuzz target has no model folder
    fix_dims(model)
    bind_params(model, os.path.dirname(path), path)
    data = model.SerializeToString()
    return data if len(data) <= max_bytes else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "shared", "models"))
    ap.add_argument("--max-bytes", type=int, default=100000)
    ap.add_argument("--scope", choices=["in", "all"], default="all")
    ap.add_argument("--limit", type=int, default=0, help="at most this many backend tests (0: all)")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    paths = []
    if os.path.isdir(args.shared):
        paths += sorted(os.path.join(args.shared, m, "model.onnx") for m in os.listdir(args.shared)
                        if os.path.exists(os.path.join(args.shared, m, "model.onnx")))
    tests = []
    for suite in SUITES:
        base = os.path.join(DATA, suite)
        if os.path.isdir(base):
            tests += [os.path.join(base, t, "model.onnx") for t in sorted(os.listdir(base))
                      if os.path.exists(os.path.join(base, t, "model.onnx"))]
    if args.scope == "in":
        tests = [p for p in tests if os.path.getsize(p) <= args.max_bytes and classify(p)[0]]
    if args.limit:
        tests = tests[::max(1, len(tests) // args.limit)][:args.limit]
    written = 0
    for p in paths + tests:
        data = seed_bytes(p, args.max_bytes)
        if data is None:
            continue
        with open(os.path.join(args.outdir, hashlib.sha1(data).hexdigest()), "wb") as f:
            f.write(data)
        written += 1
    regressions = os.path.join(HERE, "regressions")
    for name in sorted(os.listdir(regressions)) if os.path.isdir(regressions) else []:
        if name.endswith(".onnx"):
            with open(os.path.join(regressions, name), "rb") as f:
                data = f.read()
            with open(os.path.join(args.outdir, hashlib.sha1(data).hexdigest()), "wb") as f:
                f.write(data)
            written += 1
    print(f"make_seeds: {written} seeds in {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
