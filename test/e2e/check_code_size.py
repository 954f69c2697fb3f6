#!/usr/bin/python3
"""Checks the compile report's code size estimate against the real thing:
compiles the emitted model.c with clang-19 -Os to an object for Cortex-M4
(thumbv7em) and RV32IMAC and compares its text+rodata with the estimate. The
estimate is mostly an upper one (single-use kernels may be inlined and
shrink), but clang also clones a kernel per call site when its constant
arguments pay for it, which the per-kernel table does not see (DS-CNN int8 on
Thumb: 0.83x since the inlined fast requantization), so it must lie in
[0.8, 2.0] x the measured size. Prints one line per ISA."""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
from emlc_testlib import compile_model, dataset, input_names, shape_args  # noqa: E402
from gen_kernel_sizes import ISAS, SHIM  # noqa: E402

emlc, model_dir = sys.argv[1:3]
if not os.path.isdir(model_dir):
    print(f"SKIP: {model_dir} not found")
    sys.exit(77)
model = os.path.join(model_dir, "model.onnx")
ins, _ = dataset(os.path.join(model_dir, "test_data_set_0"))
ok = True
with tempfile.TemporaryDirectory() as d:
    for f, t in SHIM.items():
        open(os.path.join(d, f), "w").write(t)
    for isa, (target, flags) in zip(ISAS, [("cortex-m4", ISAS["thumbv7em"]), ("rv32imac", ISAS["rv32"])]):
        out = os.path.join(d, isa)
        compile_model(emlc, model, out, target=target, extra=shape_args(input_names(model), ins) +
                      ["--report", os.path.join(out, "r.json")])
        estimate = json.load(open(os.path.join(out, "r.json")))["totals"]["code_bytes_estimate"]
        obj = os.path.join(out, "model.o")
        subprocess.run(["clang-19", *flags, "-Os", "-std=c99", "-ffreestanding", "-isystem", d, "-w", "-c",
                        os.path.join(out, "model.c"), "-o", obj], check=True)
        text = int(subprocess.run(["size", obj], capture_output=True, text=True, check=True).stdout.splitlines()[1]
                   .split()[0])
        good = 0.8 * text <= estimate <= 2.0 * text
        ok = ok and good
        print(f"{'ok  ' if good else 'FAIL'} {os.path.basename(model_dir)} {isa}: estimate {estimate} bytes, "
              f"clang -Os text {text} bytes (ratio {estimate / text:.2f}, limits 0.8-2.0)")
sys.exit(0 if ok else 1)
