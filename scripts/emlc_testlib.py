"""Shared helpers of the end-to-end tests, the conformance runner and the
benchmarks: compile a model with emlc, build the emitted C with the host
compiler, run it on ONNX TensorProto inputs and compare with references.
Runs under /usr/bin/python3 (Debian's numpy and onnx)."""
import os
import subprocess
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper, TensorProto

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HARNESS = os.path.join(ROOT, "test", "e2e", "harness.c")


def load_pb(path):
    t = TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    a = numpy_helper.to_array(t)
    if len(t.dims) == 0:  # python3-onnx 1.12 returns 0-d tensors as shape (1,)
        a = a.reshape(())
    return a


class Failure(Exception):
    """A step failed; .stage is 'compile' (emlc refused: clean rejection),
    'crash' (emlc died), 'build', 'run', 'sanitizer' (the emitted program,
    built with SANITIZE_FLAGS, had an ASan/UBSan report) or 'compare'."""

    def __init__(self, stage, message):
        super().__init__(message)
        self.stage = stage
        self.message = message


def compile_model(emlc, model, outdir, name="model", target="generic", extra=()):
    r = subprocess.run([emlc, "compile", model, "-o", outdir, "--name", name, "--target", target, *extra],
                       capture_output=True, text=True, timeout=300)
    if r.returncode < 0 or r.returncode > 2:
        raise Failure("crash", f"emlc exited with {r.returncode}: {r.stderr.strip()[-400:]}")
    if r.returncode != 0:
        lines = [l for l in r.stderr.splitlines() if "error" in l] or r.stderr.splitlines() or ["?"]
        raise Failure("compile", lines[0][:300])
    return r.stdout


# The emitted C under AddressSanitizer and UndefinedBehaviorSanitizer (gcc or clang): every report aborts the
# program, and run() turns it into a 'sanitizer' failure with the report's first lines.
SANITIZE_FLAGS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer", "-g"]
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")


def sanitizer_report(stderr):
    """The first lines of a sanitizer report in a program's stderr, or ''."""
    lines = stderr.splitlines()
    for k, line in enumerate(lines):
        if any(m in line for m in SANITIZER_MARKERS):
            return " | ".join(l.strip() for l in lines[k:k + 6])[:600]
    return ""


def build(outdir, name="model", cc="gcc", opt="-O2", extra_flags=(), werror=True):
    exe = os.path.join(outdir, "run_" + name)
    srcs = sorted(os.path.join(outdir, f) for f in os.listdir(outdir) if f.endswith(".c"))
    flags = ["-std=c99", "-Wall", "-Wextra", "-pedantic"] + (["-Werror"] if werror else [])
    cmd = [cc, opt, *flags, *extra_flags, "-I", outdir, f'-DEMLC_MODEL_HEADER="{name}.h"', f"-DEMLC_RUN={name}_run",
           "-Wno-error=unused-result", HARNESS, *srcs, "-lm", "-o", exe]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise Failure("build", r.stderr.strip()[:600])
    return exe


def run(exe, inputs, output_templates, workdir, repeat=0):
    """inputs: numpy arrays; output_templates: numpy arrays giving dtype/shape."""
    args = [exe, str(len(inputs))]
    for i, a in enumerate(inputs):
        p = os.path.join(workdir, f"in{i}.bin")
        np.ascontiguousarray(a).tofile(p)
        args.append(p)
    outs = []
    for i, t in enumerate(output_templates):
        p = os.path.join(workdir, f"out{i}.bin")
        outs.append(p)
        args.append(f"{p}:{t.nbytes}")
    if repeat:
        args += ["--repeat", str(repeat)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=600)
    report = sanitizer_report(r.stderr)
    if report:
        raise Failure("sanitizer", report)
    if r.returncode != 0:
        raise Failure("run", f"exit {r.returncode}: {r.stderr.strip()[:300]}")
    results = [np.fromfile(p, dtype=t.dtype).reshape(t.shape) for p, t in zip(outs, output_templates)]
    median = None
    for line in r.stdout.splitlines():
        if line.startswith("median_us"):
            median = float(line.split()[1])
    return results, median


def compare(got, want, rtol=1e-3, atol=1e-5):
    """Returns '' when every output is close, else the reason."""
    for k, (g, w) in enumerate(zip(got, want)):
        if g.shape != w.shape:
            return f"output {k}: shape {g.shape} != {w.shape}"
        if w.dtype.kind in "fc":
            bad = ~np.isclose(g, w, rtol=rtol, atol=atol, equal_nan=True)
            if bad.any():
                i = np.argmax(np.abs(g.astype(np.float64) - w) * bad)
                return (f"output {k}: {int(bad.sum())}/{w.size} values off, worst at {i}: "
                        f"got {g.flat[i]!r} want {w.flat[i]!r}")
        elif not np.array_equal(g, w):
            bad = g != w
            i = np.argmax(bad)
            return f"output {k}: {int(bad.sum())}/{w.size} values differ, first at {i}: got {g.flat[i]} want {w.flat[i]}"
    return ""


def input_names(model_path):
    """The graph inputs a caller feeds (initializers excluded), in order."""
    g = onnx.load(model_path, load_external_data=False).graph
    inits = {t.name for t in g.initializer}
    return [i.name for i in g.input if i.name not in inits]


def shape_args(names, arrays):
    """`--shape NAME=DxD...` for each input, from the data it will be fed."""
    args = []
    for n, a in zip(names, arrays):
        if a.ndim and a.size:
            args += ["--shape", f"{n}={'x'.join(str(d) for d in a.shape)}"]
    return args


def dataset(folder):
    """Inputs and outputs of a test_data_set_N folder, in index order."""
    def files(prefix):
        fs = [f for f in os.listdir(folder) if f.startswith(prefix) and f.endswith(".pb")]
        return [load_pb(os.path.join(folder, f)) for f in sorted(fs, key=lambda s: int(s[len(prefix):-3]))]
    return files("input_"), files("output_")


def perturbed_calibration(x, path, copies=31, seed=7):
    """Writes a calibration .npy for a model without a data set: its input x
    plus `copies` perturbed versions (gain 0.8-1.2, noise 10% of x's spread),
    stacked on axis 0 (x keeps its batch axis of 1)."""
    rng = np.random.default_rng(seed)
    x = x.astype(np.float32)
    spread = float(np.std(x)) or 1.0
    batch = [x] + [x * rng.uniform(0.8, 1.2) + rng.normal(0, 0.1 * spread, x.shape).astype(np.float32)
                   for _ in range(copies)]
    np.save(path, np.concatenate(batch, axis=0).astype(np.float32))


def run_samples(exe, x, output_template, workdir):
    """Runs a model built with the harness once per sample of x (axis 0; the
    model bound to batch 1) in one process (the harness's --samples); returns
    the outputs stacked on axis 0, each shaped like output_template."""
    p = os.path.join(workdir, "samples.bin")
    np.ascontiguousarray(x).tofile(p)
    out = os.path.join(workdir, "outputs.bin")
    r = subprocess.run([exe, "1", p, f"{out}:{output_template.nbytes}", "--samples", str(len(x))],
                       capture_output=True, text=True, timeout=3600)
    if r.returncode != 0:
        raise Failure("run", f"exit {r.returncode}: {r.stderr.strip()[:300]}")
    return np.fromfile(out, dtype=output_template.dtype).reshape((len(x),) + output_template.shape)
