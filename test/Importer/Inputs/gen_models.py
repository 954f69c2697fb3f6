#!/usr/bin/python3
"""Writes the small ONNX models the importer lit tests read (checked in next
to this script; re-run it after changing a model here)."""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)


def save(name, graph, opset=13, **kw):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="emlc-tests", **kw)
    m.ir_version = 8
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(m.SerializeToString())


def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


# A small CNN: Conv(auto_pad SAME_UPPER) -> Relu -> MaxPool -> Flatten -> Gemm(transB).
w = rng.standard_normal((4, 1, 3, 3)).astype(np.float32)
b = rng.standard_normal(4).astype(np.float32)
fw = rng.standard_normal((3, 64)).astype(np.float32)
fb = rng.standard_normal(3).astype(np.float32)
save("tiny_cnn.onnx", helper.make_graph(
    [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", auto_pad="SAME_UPPER"),
     helper.make_node("Relu", ["c"], ["r"], name="relu"),
     helper.make_node("MaxPool", ["r"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
     helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
     helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], name="fc", transB=1)],
    "tiny_cnn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 8, 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
    [init("w", w), init("b", b), init("fw", fw), init("fb", fb)]))

# PyTorch-style shape subgraph: Shape -> Gather -> Unsqueeze -> Concat -> Reshape.
save("shape_subgraph.onnx", helper.make_graph(
    [helper.make_node("Shape", ["x"], ["s"], name="shape"),
     helper.make_node("Gather", ["s", "zero"], ["n"], name="gather", axis=0),
     helper.make_node("Unsqueeze", ["n", "ax0"], ["n1"], name="unsq"),
     helper.make_node("Concat", ["n1", "minus1"], ["target"], name="concat", axis=0),
     helper.make_node("Reshape", ["x", "target"], ["y"], name="reshape")],
    "shape_subgraph",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
    [init("zero", np.array(0, np.int64)), init("ax0", np.array([0], np.int64)),
     init("minus1", np.array([-1], np.int64))]))

# Opset 7: Clip with min/max attributes, normalized to operands at import.
save("clip_opset7.onnx", helper.make_graph(
    [helper.make_node("Clip", ["x"], ["y"], name="clip", min=-1.0, max=2.0)],
    "clip7", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])]), opset=7)

# An operator emlc does not support.
save("unsupported_op.onnx", helper.make_graph(
    [helper.make_node("Det", ["x"], ["y"], name="determinant")],
    "unsupported", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [])]))

# An attribute value outside what is supported.
save("bad_attribute.onnx", helper.make_graph(
    [helper.make_node("Conv", ["x", "w"], ["y"], name="conv_bad", auto_pad="SIDEWAYS")],
    "bad_attr", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
    [init("w", np.ones((1, 1, 3, 3), np.float32))]))

# A dynamic dimension where 1 is wrong: the Reshape needs 2 x 6 elements.
save("dynamic_batch.onnx", helper.make_graph(
    [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape_pairs")],
    "dyn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", 6])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
    [init("shape", np.array([2, 6], np.int64))]))

# External data that points outside the model folder.
ext = numpy_helper.from_array(np.ones(4, np.float32), "bias")
ext.data_location = TensorProto.EXTERNAL
ext.ClearField("raw_data")
for k, v in (("location", "../../secret.bin"), ("offset", "0"), ("length", "16")):
    e = ext.external_data.add()
    e.key, e.value = k, v
save("external_escape.onnx", helper.make_graph(
    [helper.make_node("Add", ["x", "bias"], ["y"], name="add")],
    "ext", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])], [ext]))

# A new-enough opset that emlc refuses.
save("opset19.onnx", helper.make_graph(
    [helper.make_node("Relu", ["x"], ["y"], name="relu")],
    "op19", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])]), opset=19)

# Graph outputs that are not written by a kernel: an Identity, an input
# returned as is, a constant, and one value returned twice (each needs a copy).
x4 = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])
y4 = helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])
r4 = helper.make_tensor_value_info("r", TensorProto.FLOAT, [4])
save("out_identity.onnx", helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "id", [x4], [y4]))
save("out_input.onnx", helper.make_graph([], "pass", [x4], [x4]))
save("out_constant.onnx", helper.make_graph(
    [helper.make_node("Relu", ["x"], ["r"])], "const", [x4],
    [r4, helper.make_tensor_value_info("c", TensorProto.FLOAT, [2])],
    [init("c", np.array([1.5, -2.0], np.float32))]))
save("out_twice.onnx", helper.make_graph([helper.make_node("Relu", ["x"], ["r"])], "twice", [x4], [r4, r4]))

# QOperator: uint8 input -> QLinearConv (uint8 weights with a zero point that
# folds into int8) -> DequantizeLinear to a float output.
qw = rng.integers(100, 156, (2, 1, 3, 3)).astype(np.uint8)
save("tiny_qlinear.onnx", helper.make_graph(
    [helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], ["q"], name="qconv",
                      pads=[1, 1, 1, 1]),
     helper.make_node("DequantizeLinear", ["q", "ys", "yz"], ["y"], name="dq")],
    "tiny_qlinear",
    [helper.make_tensor_value_info("x", TensorProto.UINT8, [1, 1, 4, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 4, 4])],
    [init("xs", np.float32(0.05)), init("xz", np.uint8(10)), init("w", qw), init("ws", np.float32(0.02)),
     init("wz", np.uint8(128)), init("ys", np.float32(0.1)), init("yz", np.uint8(100))]))

# Concat along channels (the outermost non-unit axis) of two computed branches,
# then a third op: the branches write straight into their slices.
save("tiny_concat.onnx", helper.make_graph(
    [helper.make_node("Relu", ["x"], ["a"], name="relu"),
     helper.make_node("Neg", ["x"], ["b"], name="neg"),
     helper.make_node("Concat", ["a", "b"], ["c"], name="concat", axis=1),
     helper.make_node("Sigmoid", ["c"], ["y"], name="sigmoid")],
    "tiny_concat",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 4, 4])]))

# Two branches whose big intermediates need not be alive together: the graph
# order interleaves them (peak: both), a memory-aware order finishes one first.
save("tiny_branches.onnx", helper.make_graph(
    [helper.make_node("Relu", ["x"], ["a1"], name="relu"),
     helper.make_node("Sigmoid", ["x"], ["b1"], name="sigmoid"),
     helper.make_node("GlobalAveragePool", ["a1"], ["a2"], name="gap"),
     helper.make_node("GlobalMaxPool", ["b1"], ["b2"], name="gmp"),
     helper.make_node("Add", ["a2", "b2"], ["y"], name="add")],
    "tiny_branches",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 16, 16])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 1, 1])]))

# Values computed at run time where emlc needs constants: a Reshape target (shape
# inference) and Clip bounds (the lowering), both graph inputs.
save("reshape_runtime_shape.onnx", helper.make_graph(
    [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape_in")],
    "reshape_runtime_shape",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3]),
     helper.make_tensor_value_info("shape", TensorProto.INT64, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 2])]))
save("clip_runtime_min.onnx", helper.make_graph(
    [helper.make_node("Clip", ["x", "lo"], ["y"], name="clip_in")],
    "clip_runtime_min",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4]),
     helper.make_tensor_value_info("lo", TensorProto.FLOAT, [])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])]))

# An attribute of the wrong kind (Conv's group as a float).
save("attribute_kind.onnx", helper.make_graph(
    [helper.make_node("Conv", ["x", "w"], ["y"], name="conv_group", group=1.0)],
    "attribute_kind",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 2, 2])],
    [init("w", np.ones((1, 1, 3, 3), np.float32))]))
