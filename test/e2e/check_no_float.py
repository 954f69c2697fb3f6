#!/usr/bin/python3
"""Compiles an int8-in/int8-out model and checks that the emitted C has no
float or double arithmetic: after removing comments, #include lines and the
header's NAME_INPUT/OUTPUT_k_SCALE constants (for the caller, who converts
real values), no 'float', 'double' or floating literal may remain. Exit 77 (skip) when the
model folder is absent."""
import os
import re
import subprocess
import sys
import tempfile

emlc, model_dir = sys.argv[1:3]
if not os.path.isdir(model_dir):
    print(f"SKIP: {model_dir} not found")
    sys.exit(77)
with tempfile.TemporaryDirectory() as d:
    subprocess.run([emlc, "compile", os.path.join(model_dir, "model.onnx"), "-o", d], check=True,
                   capture_output=True)
    bad = []
    for f in sorted(os.listdir(d)):
        text = open(os.path.join(d, f)).read()
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith(("#include", "//"))
                         and not re.match(r"#define \w+_(INPUT|OUTPUT)_\d+_SCALE ", l))
        for m in re.finditer(r"\b(float|double)\b|\b\d+\.\d*(?:[eE][-+]?\d+)?f?\b|\bINFINITY\b|\bNAN\b", text):
            bad.append(f"{f}: {m.group(0)!r}")
    if bad:
        print("float arithmetic in int8 code:", *bad[:10], sep="\n  ")
        sys.exit(1)
    print(f"ok: no float or double in the emitted code of {os.path.basename(model_dir)}")
