#!/usr/bin/python3
"""The smaller int8 ops of the QDQ flow against a float reference: builds one
QDQ model per op (Sigmoid, Tanh, Mul, Concat, MatMul with constant weights;
int8 in, int8 out, TFLite's output grids for Sigmoid/Tanh), compiles it with
emlc, checks the op became an integer kernel (no float in the C), runs it on
every int8 input value and compares with numpy's dequantize -> float op ->
quantize (round half to even). emlc computes with TFLite's fixed-point
arithmetic, so results may differ by one step: at most 1 LSB is accepted,
and the share of differing values is printed. Also a convolution followed by
Clip(0, 6) the ways exporters write ReLU6 (PyTorch: Q -> DQ -> Clip -> Q with
equal parameters; others: Clip before the Q): the clamp must fold into the
convolution (no clip kernel, no float), as the kernel list shows."""
import os
import re
import sys
import tempfile

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from emlc_testlib import build, compile_model, run  # noqa: E402

emlc = sys.argv[1]
rng = np.random.default_rng(5)


def const(name, v, dtype):
    return numpy_helper.from_array(np.asarray(v, dtype=dtype), name)


def q(x, s, z):
    return np.clip(np.rint(x / s) + z, -128, 127).astype(np.int8)


def dq(x, s, z):
    return (x.astype(np.float32) - z) * np.float32(s)


def model(nodes, inputs, out_shape, inits):
    g = helper.make_graph(nodes, "t", [helper.make_tensor_value_info(n, TensorProto.INT8, s) for n, s in inputs],
                          [helper.make_tensor_value_info("y", TensorProto.INT8, out_shape)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    return m


xs, xz = 0.05, 3
all_int8 = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
cases = []
for op, ys, yz, f in [("Sigmoid", 1 / 256, -128, lambda v: 1 / (1 + np.exp(-v))), ("Tanh", 1 / 128, 0, np.tanh)]:
    m = model([helper.make_node("DequantizeLinear", ["x", "xs", "xz"], ["d"]), helper.make_node(op, ["d"], ["f"]),
               helper.make_node("QuantizeLinear", ["f", "ys", "yz"], ["y"])], [("x", [1, 256])], [1, 256],
              [const("xs", xs, np.float32), const("xz", xz, np.int8), const("ys", ys, np.float32),
               const("yz", yz, np.int8)])
    cases.append((op, m, [all_int8], q(f(dq(all_int8, xs, xz)), ys, yz)))
a = rng.integers(-128, 128, (1, 64)).astype(np.int8)
b = rng.integers(-128, 128, (1, 64)).astype(np.int8)
m = model([helper.make_node("DequantizeLinear", ["a", "as", "az"], ["da"]),
           helper.make_node("DequantizeLinear", ["b", "bs", "bz"], ["db"]), helper.make_node("Mul", ["da", "db"], ["f"]),
           helper.make_node("QuantizeLinear", ["f", "ys", "yz"], ["y"])], [("a", [1, 64]), ("b", [1, 64])], [1, 64],
          [const("as", 0.03, np.float32), const("az", -5, np.int8), const("bs", 0.02, np.float32),
           const("bz", 7, np.int8), const("ys", 0.01, np.float32), const("yz", 2, np.int8)])
cases.append(("Mul", m, [a, b], q(dq(a, 0.03, -5) * dq(b, 0.02, 7), 0.01, 2)))
m = model([helper.make_node("DequantizeLinear", ["a", "s", "z"], ["da"]),
           helper.make_node("DequantizeLinear", ["b", "s", "z"], ["db"]),
           helper.make_node("Concat", ["da", "db"], ["f"], axis=1),
           helper.make_node("QuantizeLinear", ["f", "s", "z"], ["y"])], [("a", [1, 64]), ("b", [1, 64])], [1, 128],
          [const("s", 0.1, np.float32), const("z", 1, np.int8)])
cases.append(("Concat", m, [a, b], np.concatenate([a, b], axis=1)))
w = rng.integers(-127, 128, (64, 16)).astype(np.int8)
m = model([helper.make_node("DequantizeLinear", ["a", "as", "az"], ["da"]),
           helper.make_node("DequantizeLinear", ["w", "ws"], ["dw"]), helper.make_node("MatMul", ["da", "dw"], ["f"]),
           helper.make_node("QuantizeLinear", ["f", "ys", "yz"], ["y"])], [("a", [1, 64])], [1, 16],
          [const("as", 0.03, np.float32), const("az", -5, np.int8), const("w", w, np.int8),
           const("ws", 0.004, np.float32), const("ys", 0.05, np.float32), const("yz", -10, np.int8)])
cases.append(("MatMul", m, [a], q(dq(a, 0.03, -5) @ dq(w, 0.004, 0), 0.05, -10)))

def conv3x3(x, w, b):
    """NCHW, stride 1, pad 1."""
    n, c, h, wd = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    y = np.zeros((n, w.shape[0], h, wd), np.float64)
    for m_ in range(w.shape[0]):
        for ky in range(3):
            for kx in range(3):
                y[:, m_] += np.einsum("nchw,c->nhw", xp[:, :, ky:ky + h, kx:kx + wd], w[m_, :, ky, kx])
        y[:, m_] += b[m_]
    return y


cx = rng.integers(-128, 128, (1, 4, 8, 8)).astype(np.int8)
cw = rng.integers(-127, 128, (8, 4, 3, 3)).astype(np.int8)
cb = rng.integers(-2000, 2000, 8).astype(np.int32)
xs_, ws_, ys_, yz_ = 0.05, 0.01, 0.04, -100
conv_inits = [const("xs", xs_, np.float32), const("xz", 3, np.int8), const("w", cw, np.int8),
              const("ws", ws_, np.float32), const("b", cb, np.int32), const("bs", xs_ * ws_, np.float32),
              const("ys", ys_, np.float32), const("yz", yz_, np.int8), const("lo", 0.0, np.float32),
              const("hi", 6.0, np.float32)]
conv_nodes = [helper.make_node("DequantizeLinear", ["x", "xs", "xz"], ["dx"]),
              helper.make_node("DequantizeLinear", ["w", "ws"], ["dw"]),
              helper.make_node("DequantizeLinear", ["b", "bs"], ["db"]),
              helper.make_node("Conv", ["dx", "dw", "db"], ["c"], pads=[1, 1, 1, 1])]
real = conv3x3(dq(cx, xs_, 3), dq(cw, ws_, 0), dq(cb, xs_ * ws_, 0))
relu6 = q(np.clip(dq(q(real, ys_, yz_), ys_, yz_), 0.0, 6.0), ys_, yz_)
torch_style = model(conv_nodes + [helper.make_node("QuantizeLinear", ["c", "ys", "yz"], ["q1"]),
                                  helper.make_node("DequantizeLinear", ["q1", "ys", "yz"], ["d1"]),
                                  helper.make_node("Clip", ["d1", "lo", "hi"], ["r"]),
                                  helper.make_node("QuantizeLinear", ["r", "ys", "yz"], ["y"])],
                    [("x", [1, 4, 8, 8])], [1, 8, 8, 8], conv_inits)
cases.append(("Conv, Q-DQ-Clip(0,6)-Q", torch_style, [cx], relu6))
clip_first = model(conv_nodes + [helper.make_node("Clip", ["c", "lo", "hi"], ["r"]),
                                 helper.make_node("QuantizeLinear", ["r", "ys", "yz"], ["y"])],
                   [("x", [1, 4, 8, 8])], [1, 8, 8, 8], conv_inits)
cases.append(("Conv, Clip(0,6)-Q", clip_first, [cx], q(np.clip(real, 0.0, 6.0), ys_, yz_)))

ok = True
for name, m, ins, want in cases:
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.onnx")
        open(path, "wb").write(m.SerializeToString())
        out = os.path.join(d, "out")
        kernels = [ln.strip() for ln in compile_model(emlc, path, out).splitlines() if "kernels:" in ln]
        src = open(os.path.join(out, "model.c")).read()
        src = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
        has_float = re.search(r"\bfloat\b", src) is not None
        (got,), _ = run(build(out), ins, [want], out)
    diff = np.abs(got.astype(np.int32) - want.astype(np.int32))
    folded = not name.startswith("Conv") or (kernels and "clip" not in kernels[0])
    good = diff.max() <= 1 and not has_float and folded
    ok = ok and good
    if name.startswith("Conv"):
        print(f"     {name}: {kernels[0] if kernels else 'no kernel list'}")
    print(f"{'ok  ' if good else 'FAIL'} int8 {name}: max {diff.max()} LSB from the float reference, "
          f"{np.count_nonzero(diff)} of {diff.size} values differ; {'float code!' if has_float else 'integer code'}")
sys.exit(0 if ok else 1)
