#!/usr/bin/python3
"""emlc prune's ONNX output, checked by ONNX itself and by ONNX Runtime.

For every float shared model: `emlc prune MODEL -o X.onnx` (input shapes bound
from test_data_set_0, as a user would), onnx.checker.check_model(X,
full_check=True) (which also runs ONNX shape inference against the value_info
emlc writes), the same graph input/output names, element types and opset as the
original, and X run in ONNX Runtime on every test_data_set_N input matches the
set's reference outputs (max|got - ref| <= 1e-4 x max|ref|).

Then small generated models (onnx.helper) for the nn ops and attributes those
models do not use, at several opsets: ONNX Runtime on the exported model must
match ONNX Runtime on the original (same tolerance).

ONNX Runtime is onnxruntime-node (npm) in test/e2e/ort/node_modules
(scripts/install-deps.sh installs it); without node or the package the test
FAILS saying how to install them. Exit 0 when everything matches."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper as H, numpy_helper as nh

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
from emlc_testlib import dataset, input_names, shape_args  # noqa: E402

FLOAT_MODELS = ["fashion-cnn-fp32", "fashion-dscnn-fp32", "fashion-mlp-fp32", "digits-cnn-fp32-op13",
                "digits-cnn-fp32-bn-op13", "mlperftiny-ad-fc-autoencoder-fp32", "mlperftiny-ic-resnet8-fp32",
                "mlperftiny-kws-dscnn-fp32-int8weights", "mlperftiny-vww-mobilenetv1-0.25-fp32", "mnist-8",
                "onnx2c-atmega-mnist-14x14", "tflm-hello-world-sine"]
REL_TOL = 1e-4
INSTALL = ("install it with: npm install --prefix test/e2e/ort --no-save onnxruntime-node "
           "--onnxruntime-node-install=skip   (scripts/install-deps.sh does this; node and npm are the Debian "
           "packages nodejs and npm)")
DTYPES = {np.dtype(np.float32): "float32", np.dtype(np.float64): "float64", np.dtype(np.int64): "int64",
          np.dtype(np.int32): "int32", np.dtype(np.int8): "int8", np.dtype(np.uint8): "uint8"}


class ORT:
    """ONNX Runtime through node (bench/ort_latency.js does the same for latency)."""

    def __init__(self, ort_dir):
        self.env = dict(os.environ, NODE_PATH=os.path.join(ort_dir, "node_modules"))
        if not shutil.which("node"):
            raise SystemExit(f"FAIL: node is not installed; ONNX Runtime runs through onnxruntime-node: {INSTALL}")
        r = subprocess.run(["node", "-e", "require('onnxruntime-node')"], env=self.env, capture_output=True,
                           text=True)
        if r.returncode:
            why = next((l.strip() for l in r.stderr.splitlines() if l.startswith("Error")), r.stderr.strip()[:200])
            raise SystemExit(f"FAIL: onnxruntime-node is not in {ort_dir}/node_modules ({why}); {INSTALL}")

    def run(self, model, names, arrays, work):
        specs = []
        for k, (n, a) in enumerate(zip(names, arrays)):
            p = os.path.join(work, f"in{k}.bin")
            np.ascontiguousarray(a).tofile(p)
            specs.append(f"{n}={p}:{DTYPES[a.dtype]}:{'x'.join(str(d) for d in a.shape)}")
        r = subprocess.run(["node", os.path.join(HERE, "ort_run.js"), model, work, *specs], env=self.env,
                           capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(f"ONNX Runtime refused {os.path.basename(model)}: {r.stderr.strip()[:600]}")
        outs = []
        for line in r.stdout.splitlines():
            o = json.loads(line)
            dt = {v: k for k, v in DTYPES.items()}[o["type"]]
            outs.append(np.fromfile(o["file"], dtype=dt).reshape(o["dims"]))
        return outs


def prune(emlc, model, out, extra=()):
    r = subprocess.run([emlc, "prune", model, "-o", out, *extra], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"emlc prune failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout.strip()


def signature(m):
    inits = {t.name for t in m.graph.initializer}
    def io(vs):
        return [(v.name, v.type.tensor_type.elem_type) for v in vs if v.name not in inits]
    opset = [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")]
    return io(m.graph.input), io(m.graph.output), opset


def compare(tag, got, want):
    ok = True
    if len(got) != len(want):
        print(f"FAIL {tag}: {len(got)} outputs, expected {len(want)}")
        return False
    for k, (g, w) in enumerate(zip(got, want)):
        if g.shape != w.shape:
            print(f"FAIL {tag} output {k}: shape {g.shape}, expected {w.shape}")
            ok = False
            continue
        err = float(np.max(np.abs(g.astype(np.float64) - w))) if w.size else 0.0
        ref = float(np.max(np.abs(w))) if w.size else 0.0
        good = err <= REL_TOL * max(ref, 1e-30) if w.dtype.kind == "f" else err == 0
        print(f"{'ok  ' if good else 'FAIL'} {tag} output {k}: max abs err {err:.3g}, max|ref| {ref:.4g}, "
              f"relative {err / max(ref, 1e-30):.3g}")
        ok &= good
    return ok


def check_shared(emlc, ort, shared, work):
    ok = True
    for name in FLOAT_MODELS:
        d = os.path.join(shared, name)
        if not os.path.isdir(d):
            print(f"FAIL {name}: {d} not found")
            ok = False
            continue
        src = os.path.join(d, "model.onnx")
        out = os.path.join(work, name + ".onnx")
        sets = sorted((s for s in os.listdir(d) if s.startswith("test_data_set_")), key=lambda s: int(s[14:]))
        ins0, _ = dataset(os.path.join(d, sets[0]))
        names = input_names(src)
        try:
            summary = prune(emlc, src, out, shape_args(names, ins0))
            m = onnx.load(out)
            onnx.checker.check_model(m, full_check=True)
        except Exception as e:  # noqa: BLE001 - any failure is this model's
            print(f"FAIL {name}: {e}")
            ok = False
            continue
        if signature(m) != signature(onnx.load(src, load_external_data=False)):
            print(f"FAIL {name}: inputs/outputs/opset {signature(m)} differ from the original's "
                  f"{signature(onnx.load(src, load_external_data=False))}")
            ok = False
        print(f"     {name}: {summary}")
        for s in sets:
            ins, want = dataset(os.path.join(d, s))
            try:
                got = ort.run(out, names, ins, work)
            except RuntimeError as e:
                print(f"FAIL {name} {s}: {e}")
                ok = False
                continue
            ok &= compare(f"{name} {s}", got, want)
    return ok


def rnd(*shape, seed=0):
    return np.random.default_rng(seed + sum(shape)).normal(size=shape).astype(np.float32)


def init(name, a):
    return nh.from_array(np.asarray(a), name)


def vi(name, shape, t=TensorProto.FLOAT):
    return H.make_tensor_value_info(name, t, shape)


def model(nodes, inputs, outputs, inits, opset):
    g = H.make_graph(nodes, "g", [vi(n, s) for n, s in inputs], [vi(n, None) for n in outputs], inits)
    m = H.make_model(g, opset_imports=[H.make_opsetid("", opset)], producer_name="check_onnx_export")
    m.ir_version = 8 if opset >= 15 else 7 if opset >= 12 else 6
    # the outputs' types from ONNX shape inference (full_check wants them)
    g2 = onnx.shape_inference.infer_shapes(m).graph
    inferred = {v.name: v for v in list(g2.value_info) + list(g2.output) if v.type.tensor_type.HasField("shape")}
    for o in m.graph.output:
        if o.name in inferred:
            o.type.CopyFrom(inferred[o.name].type)
    return m


def generated():
    """(name, ModelProto): the nn ops and attributes the shared models do not use."""
    x4 = ("x", [1, 4, 8, 8])
    cases = []
    for opset in (11, 13, 17):
        # conv: groups, dilations, asymmetric pads, strides, a fused Clip(0, 6); BatchNorm folded into it
        cases.append((f"conv-groups-clip-bn-op{opset}", model(
            [H.make_node("Conv", ["x", "w", "b"], ["c"], group=2, dilations=[2, 1], pads=[1, 0, 2, 1], strides=[1, 2],
                         name="/conv/Conv"),
             H.make_node("BatchNormalization", ["c", "s", "bb", "mu", "var"], ["n"], name="/bn/BN"),
             H.make_node("Clip", ["n", "lo", "hi"] if opset >= 11 else ["n"], ["y"], name="/act/Clip")],
            [x4], ["y"], [init("w", rnd(6, 2, 3, 3)), init("b", rnd(6)), init("s", np.abs(rnd(6, seed=1)) + 0.5),
                          init("bb", rnd(6, seed=2)), init("mu", rnd(6, seed=3)),
                          init("var", np.abs(rnd(6, seed=4)) + 0.5), init("lo", np.float32(0)),
                          init("hi", np.float32(6))], opset)))
        # pooling: ceil mode, count_include_pad, max with pads; reductions with and without keepdims
        cases.append((f"pool-reduce-op{opset}", model(
            [H.make_node("AveragePool", ["x"], ["a"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
                         count_include_pad=1, name="avg"),
             H.make_node("AveragePool", ["x"], ["a2"], kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 0, 0],
                         ceil_mode=1, name="avg_ceil"),
             H.make_node("MaxPool", ["x"], ["m"], kernel_shape=[3, 2], strides=[3, 2], pads=[0, 1, 1, 0],
                         ceil_mode=1, name="max"),
             H.make_node("ReduceMean", ["x"], ["r"], axes=[2, 3], keepdims=0, name="mean"),
             H.make_node("ReduceMax", ["x"], ["r2"], axes=[1], keepdims=1, name="rmax")],
            [x4], ["a", "a2", "m", "r", "r2"], [], opset)))
        # data movement: reshape, transpose, concat, slice with steps, pads (reflect, constant), gather
        slice_ins = ["x", "st", "en", "ax", "sp"]
        pad_ins = ["t", "pads", "pv"] if opset >= 11 else ["t"]
        cases.append((f"data-movement-op{opset}", model(
            [H.make_node("Transpose", ["x"], ["t"], perm=[0, 2, 3, 1], name="tr"),
             H.make_node("Slice", slice_ins, ["s"], name="sl"),
             H.make_node("Pad", pad_ins, ["p"], mode="constant", name="pad"),
             H.make_node("Pad", ["x", "pads2"], ["p2"], mode="reflect", name="pad_reflect"),
             H.make_node("Reshape", ["x", "shape"], ["r"], name="rs"),
             H.make_node("Concat", ["r", "r"], ["c"], axis=-1, name="cat"),
             H.make_node("Gather", ["x", "idx"], ["g"], axis=1, name="ga")],
            [x4], ["s", "p", "p2", "c", "g"],
            [init("st", np.array([0, 3, 7, 1], np.int64)), init("en", np.array([1, 0, -9, 8], np.int64)),
             init("ax", np.array([0, 1, 2, 3], np.int64)), init("sp", np.array([1, -1, -2, 3], np.int64)),
             init("pads", np.array([0, 1, 0, 2, 0, 0, 1, 0], np.int64)), init("pv", np.float32(1.5)),
             init("pads2", np.array([0, 0, 2, 1, 0, 0, 1, 2], np.int64)),
             init("shape", np.array([1, 4, 64], np.int64)), init("idx", np.array([[3, 0], [1, -1]], np.int64))],
            opset)))
        # elementwise: binary kinds with broadcasting, unary kinds, fc without bias + relu, matmul, softmax
        un = ["Sigmoid", "Tanh", "Abs", "Neg", "Floor", "Ceil", "Erf", "Softplus", "Softsign", "Sin", "Cos", "Round",
              "Exp"]
        nodes = [H.make_node(u, ["x"], [u.lower()], name=u) for u in un]
        nodes += [H.make_node("LeakyRelu", ["x"], ["lr"], alpha=0.2, name="lrelu"),
                  H.make_node("Elu", ["x"], ["elu"], alpha=0.7, name="elu"),
                  H.make_node("Selu", ["x"], ["selu"], name="selu"),
                  H.make_node("HardSigmoid", ["x"], ["hs"], alpha=0.3, beta=0.4, name="hsig"),
                  H.make_node("PRelu", ["x", "slope"], ["pr"], name="prelu"),
                  H.make_node("Sub", ["x", "bias"], ["sub"], name="sub"),
                  H.make_node("Div", ["x", "d"], ["div"], name="div"),
                  H.make_node("Max", ["x", "bias"], ["max"], name="max"),
                  H.make_node("Min", ["x", "bias"], ["min"], name="min"),
                  H.make_node("Abs", ["x"], ["ax"], name="abs2"),
                  H.make_node("Sqrt", ["ax"], ["sq"], name="sqrt"),
                  H.make_node("Log", ["d"], ["lg"], name="log"),
                  H.make_node("Add", ["lg", "x"], ["lx"], name="addlog"),
                  H.make_node("Pow", ["ax", "e"], ["pw"], name="pow"),
                  H.make_node("Reciprocal", ["d"], ["rc"], name="recip"),
                  H.make_node("Mul", ["rc", "x"], ["rx"], name="mulrecip"),
                  H.make_node("Flatten", ["x"], ["f"], name="flat"),
                  H.make_node("Gemm", ["f", "fw"], ["fc"], transB=1, name="fc"),
                  H.make_node("Relu", ["fc"], ["fr"], name="fc_relu"),
                  H.make_node("MatMul", ["x", "mw"], ["mm"], name="mm"),
                  H.make_node("Softmax", ["mm"], ["sm"], axis=-1, name="softmax"),
                  H.make_node("LogSoftmax", ["mm"], ["lsm"], axis=-1, name="logsoftmax")]
        outs = [u.lower() for u in un] + ["lr", "elu", "selu", "hs", "pr", "sub", "div", "max", "min", "sq", "lx",
                                           "pw", "rx", "fr", "sm", "lsm"]
        cases.append((f"elementwise-op{opset}", model(
            nodes, [x4], outs,
            [init("slope", np.abs(rnd(4, 1, 1, seed=5)) * 0.3), init("bias", rnd(8, seed=6)),
             init("d", np.abs(rnd(1, 4, 1, 8, seed=7)) + 0.5), init("e", np.float32(1.5)),
             init("fw", rnd(10, 256, seed=8)), init("mw", rnd(8, 5, seed=9))], opset)))
        # resize (opset 11+ forms), conv transpose with output padding
        cases.append((f"resize-convtranspose-op{opset}", model(
            [H.make_node("Resize", ["x", "roi", "sc"], ["r1"], mode="linear",
                         coordinate_transformation_mode="half_pixel", name="up_linear"),
             H.make_node("Resize", ["x", "roi", "sc"], ["r2"], mode="nearest",
                         coordinate_transformation_mode="asymmetric", nearest_mode="floor", name="up_nearest"),
             H.make_node("Resize", ["x", "roi", "sc2"], ["r3"], mode="cubic", cubic_coeff_a=-0.5, exclude_outside=1,
                         coordinate_transformation_mode="align_corners", name="cubic"),
             H.make_node("ConvTranspose", ["x", "tw", "tb"], ["ct"], strides=[2, 2], pads=[1, 1, 0, 0],
                         output_padding=[1, 1], name="deconv")],
            [x4], ["r1", "r2", "r3", "ct"],
            [init("roi", np.zeros(0, np.float32)), init("sc", np.array([1, 1, 2, 2], np.float32)),
             init("sc2", np.array([1, 1, 0.75, 1.5], np.float32)), init("tw", rnd(4, 3, 3, 3, seed=10)),
             init("tb", rnd(3, seed=11))], opset)))
    # opset 9 (mnist-8 is 8, the hello-world sine 9): Clip, Pad, Slice with attributes, a fully connected layer
    # without bias (Gemm's C is required before opset 11)
    cases.append(("attribute-forms-op9", model(
        [H.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1], name="conv"),
         H.make_node("Clip", ["c"], ["cc"], min=-0.5, max=0.75, name="clip"),
         H.make_node("Pad", ["cc"], ["p"], mode="edge", pads=[0, 0, 1, 0, 0, 0, 0, 2], name="pad"),
         H.make_node("Slice", ["p"], ["s"], starts=[1, 2], ends=[4, 7], axes=[1, 3], name="slice"),
         H.make_node("MaxPool", ["s"], ["m"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
         H.make_node("Flatten", ["m"], ["f"], name="flat"),
         H.make_node("MatMul", ["f", "fw"], ["g"], name="fc"),
         H.make_node("Relu", ["g"], ["y"], name="relu"),
         H.make_node("Softmax", ["y"], ["sm"], name="softmax"),
         H.make_node("ReduceMean", ["cc"], ["r"], axes=[1], keepdims=0, name="mean")],
        [x4], ["sm", "r"], [init("w", rnd(5, 4, 3, 3, seed=16)), init("fw", rnd(24, 7, seed=17))], 9)))
    # Not here: AveragePool with ceil_mode=1 and count_include_pad=1. emlc's import (ONNXToNN lowerPool) makes
    # the ceil overhang an end pad that the divisor then counts; ONNX Runtime does not count it (0.32 x max|ref|
    # apart on a 1x4x8x8 input, k3 s2 p1; `emlc compile` differs from ORT alike). The export writes what nn computes.
    # opset-specific forms: Softmax over a middle axis (13), LayerNormalization (17), HardSwish (14)
    cases.append(("softmax-axis1-op13", model(
        [H.make_node("Softmax", ["x"], ["y"], axis=1, name="sm")], [x4], ["y"], [], 13)))
    cases.append(("layernorm-hardswish-op17", model(
        [H.make_node("LayerNormalization", ["x", "g", "b"], ["y", "mean", "inv"], axis=2, epsilon=1e-3, name="ln"),
         H.make_node("HardSwish", ["y"], ["z"], name="hswish"),
         H.make_node("InstanceNormalization", ["x", "g4", "b4"], ["inorm"], name="inorm")],
        [x4], ["z", "mean", "inv", "inorm"],
        [init("g", rnd(8, 8, seed=12)), init("b", rnd(8, 8, seed=13)), init("g4", rnd(4, seed=14)),
         init("b4", rnd(4, seed=15))], 17)))
    return cases


def check_generated(emlc, ort, work):
    ok = True
    for name, m in generated():
        onnx.checker.check_model(m, full_check=True)
        src = os.path.join(work, name + ".src.onnx")
        out = os.path.join(work, name + ".onnx")
        onnx.save(m, src)
        x = [rnd(*[d.dim_value for d in i.type.tensor_type.shape.dim], seed=42) for i in m.graph.input]
        try:
            prune(emlc, src, out)
            e = onnx.load(out)
            onnx.checker.check_model(e, full_check=True)
            want = ort.run(src, [i.name for i in m.graph.input], x, work)
            got = ort.run(out, [i.name for i in m.graph.input], x, work)
        except Exception as ex:  # noqa: BLE001
            print(f"FAIL {name}: {ex}")
            ok = False
            continue
        if signature(e) != signature(m):
            print(f"FAIL {name}: inputs/outputs/opset {signature(e)} differ from {signature(m)}")
            ok = False
        ok &= compare(name, got, want)
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc")
    ap.add_argument("--shared", required=True, help="the shared models folder")
    ap.add_argument("--ort-dir", default=os.path.join(HERE, "ort"), help="folder holding node_modules/onnxruntime-node")
    ap.add_argument("--only", choices=["shared", "generated"], help="run one half")
    args = ap.parse_args()
    ort = ORT(args.ort_dir)
    with tempfile.TemporaryDirectory() as work:
        ok = True
        if args.only != "generated":
            ok &= check_shared(args.emlc, ort, args.shared, work)
        if args.only != "shared":
            ok &= check_generated(args.emlc, ort, work)
    print("onnx export: all outputs match" if ok else "onnx export: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
