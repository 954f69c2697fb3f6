#!/usr/bin/python3
"""The malformed-model suite (issue 19): writes each case's model into OUT_DIR and
a manifest (cases.json) with the command-line extras, the expected exit code and
the words the error line must contain. run_malformed.py runs them.

Models are built with onnx.helper and never passed through onnx.checker: they are
meant to be wrong. A few valid edge cases (exit 0) make sure the validation does
not refuse real models.

    gen_malformed.py OUT_DIR
"""
import json
import math
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

F32, F16, I64 = TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.INT64
CASES = []


def vi(name, shape, elem=F32):
    return helper.make_tensor_value_info(name, elem, shape)



def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def huge_init(name, dims, elem=F32):
    """An initializer that declares `dims` but carries no data (the importer must refuse it before allocating)."""
    t = TensorProto()
    t.name, t.data_type = name, elem
    t.dims.extend(dims)
    return t


def model(nodes, inputs, outputs, inits=(), opset=13, opsets=None):
    g = helper.make_graph(nodes, "malformed", inputs, outputs, list(inits))
    ops = opsets if opsets is not None else [helper.make_opsetid("", opset)]
    m = helper.make_model(g, opset_imports=ops, producer_name="emlc-malformed")
    m.ir_version = 8
    return m


def case(name, m, words, code=1, args=()):
    """An invalid model: exit `code` with an error line containing every one of `words`."""
    CASES.append(dict(name=name, model=m, words=list(words), code=code, args=list(args)))


def valid(name, m, args=()):
    CASES.append(dict(name=name, model=m, words=[], code=0, args=list(args)))


def node(op, ins, outs, name=None, **attrs):
    return helper.make_node(op, ins, outs, name=name or op.lower(), **attrs)


def unary(op, shape=(1, 4), opset=13, **attrs):
    return model([node(op, ["x"], ["y"], **attrs)], [vi("x", list(shape))], [vi("y", None)], opset=opset)


X4 = [vi("x", [1, 1, 4, 4])]
W3 = init("w", np.ones((2, 1, 3, 3), np.float32))


def conv(**attrs):
    return model([node("Conv", ["x", "w"], ["y"], **attrs)], X4, [vi("y", None)], [W3])


def pool(op="MaxPool", **attrs):
    return model([node(op, ["x"], ["y"], **attrs)], X4, [vi("y", None)])


def lstm_inits(hidden=2, inp=3, gates=4, dirs=1):
    return [init("w", np.ones((dirs, gates * hidden, inp), np.float32)),
            init("r", np.ones((dirs, gates * hidden, hidden), np.float32))]


# --- Crashes on valid protobuf: operand counts and empty-name required inputs ----------------------------------------
IDX = init("i", np.array([0], np.int64))
case("gather_one_input", model([node("Gather", ["x"], ["y"])], [vi("x", [4])], [vi("y", None)]),
     ["Gather", "2 inputs", "got 1"])
case("gather_empty_name_input", model([node("Gather", ["x", ""], ["y"])], [vi("x", [4])], [vi("y", None)]),
     ["Gather", "input 1", "required"])
case("gemm_missing_b", model([node("Gemm", ["a"], ["y"])], [vi("a", [2, 2])], [vi("y", None)]),
     ["Gemm", "got 1"])
case("gemm_empty_b", model([node("Gemm", ["a", "", "c"], ["y"])], [vi("a", [2, 2]), vi("c", [2])], [vi("y", None)]),
     ["Gemm", "input 1", "required"])
case("conv_missing_weight", model([node("Conv", ["x"], ["y"])], X4, [vi("y", None)]), ["Conv", "got 1"])
case("conv_empty_weight", model([node("Conv", ["x", ""], ["y"])], X4, [vi("y", None)]), ["Conv", "input 1", "required"])
case("pad_missing_pads", model([node("Pad", ["x"], ["y"])], [vi("x", [4])], [vi("y", None)]), ["Pad", "got 1"])
case("lstm_missing_r", model([node("LSTM", ["x", "w"], ["y"], hidden_size=2)], [vi("x", [1, 1, 3])], [vi("y", None)],
                             lstm_inits()[:1]), ["LSTM", "got 2"])
case("lstm_empty_w", model([node("LSTM", ["x", "", "r"], ["y"], hidden_size=2)], [vi("x", [1, 1, 3])], [vi("y", None)],
                           lstm_inits()[1:]), ["LSTM", "input 1", "required"])
case("softmax_no_input", model([node("Softmax", [], ["y"])], [vi("x", [4])], [vi("y", None)]), ["Softmax", "no inputs", "input 0 is required"])
case("softmax11_empty_input", model([node("Softmax", [""], ["y"], axis=0)], [vi("x", [2, 2])], [vi("y", None)],
                                    opset=11), ["Softmax", "input 0", "required"])
case("upsample_missing_scales", model([node("Upsample", ["x"], ["y"])], X4, [vi("y", None)], opset=9),
     ["Upsample", "scales"])
case("upsample_no_input", model([node("Upsample", [], ["y"], scales=[1.0, 1.0, 2.0, 2.0])], X4, [vi("y", None)],
                                opset=8), ["Upsample", "input 0"])
case("add_missing_b", model([node("Add", ["a"], ["y"])], [vi("a", [4])], [vi("y", None)]), ["Add", "got 1"])
case("add_empty_b", model([node("Add", ["a", ""], ["y"])], [vi("a", [4])], [vi("y", None)]),
     ["Add", "input 1", "required"])
case("add6_broadcast_missing_b", model([node("Add", ["a"], ["y"], broadcast=1)], [vi("a", [4])], [vi("y", None)],
                                       opset=6), ["Add", "got 1"])
case("clip6_no_input", model([node("Clip", [], ["y"], min=0.0)], [vi("x", [4])], [vi("y", None)], opset=6),
     ["Clip", "no inputs", "input 0 is required"])
case("constant_no_output", model([helper.make_node("Constant", [], [], name="c", value=init("v", np.ones(2, np.float32)))],
                                 [vi("x", [4])], [vi("x", None)]), ["Constant", "output"])
case("constant_dims_wrap_to_zero", model([helper.make_node("Constant", [], ["c"], name="c",
                                                             value=huge_init("v", [2 ** 32, 2 ** 32]))],
                                         [vi("x", [4])], [vi("c", None)]), ["initializers and constants declare", "--max-initializer-size"])
case("constant_over_cap", model([helper.make_node("Constant", [], ["c"], name="c", value=huge_init("v", [2 ** 30]))],
                                [vi("x", [4])], [vi("c", None)]), ["Constant", "1073741824 elements"],
     args=["--max-initializer-size", "8192M"])
case("relu_no_output", model([node("Relu", ["x"], [])], [vi("x", [4])], [vi("x", None)]), ["Relu", "no output"])
for p in (31, 40):
    case(f"lstm_hidden_2pow{p}", model([node("LSTM", ["x", "w", "r"], ["y"], hidden_size=2 ** p)], [vi("x", [1, 1, 3])],
                                       [vi("y", None)], lstm_inits()), ["LSTM", "hidden_size"])
case("lstm_hidden_zero", model([node("LSTM", ["x", "w", "r"], ["y"], hidden_size=0)], [vi("x", [1, 1, 3])],
                               [vi("y", None)], lstm_inits()), ["LSTM", "hidden_size"])
case("gru_hidden_mismatch", model([node("GRU", ["x", "w", "r"], ["y"], hidden_size=5)], [vi("x", [1, 1, 3])],
                                  [vi("y", None)], lstm_inits(gates=3)), ["GRU", "hidden_size"])
case("lstm_w_dims_2pow62", model([node("LSTM", ["x", "w", "r"], ["y"], hidden_size=2)], [vi("x", [1, 1, 3])],
                                 [vi("y", None)], [huge_init("w", [1, 2 ** 62, 3]), lstm_inits()[1]]),
     ["initializers and constants declare", "--max-initializer-size"])
case("input_dims_2pow62", unary("Relu", (2 ** 62, 4)), ["graph input 'x'", "overflows int64"])
case("input_dims_overflow_int64", unary("Relu", (2 ** 40, 2 ** 40)), ["graph input 'x'", "overflows int64"])
case("input_dims_over_cap", unary("Relu", (2 ** 20, 2 ** 10)), ["graph input 'x'", "268435456 elements"])
case("initializer_negative_dim", model([node("Add", ["x", "b"], ["y"])], [vi("x", [4])], [vi("y", None)],
                                       [huge_init("b", [-4])]), ["'b'", "negative"])

# --- Unclear messages -------------------------------------------------------------------------------------------------
case("relu_two_inputs", model([node("Relu", ["x", "x"], ["y"])], [vi("x", [4])], [vi("y", None)]),
     ["Relu", "1 input", "got 2"])
case("input_named_empty", model([node("Relu", [""], ["y"])], [vi("", [4])], [vi("y", None)]), ["graph input", "name"])
case("sum_65_inputs", model([node("Sum", ["x"] * 65, ["y"])], [vi("x", [4])], [vi("y", None)]),
     ["Sum", "64 inputs", "got 65"])
case("batchnorm_scale_wrong_size",
     model([node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"])], [vi("x", [1, 3, 2, 2])], [vi("y", None)],
           [init("s", np.ones(5, np.float32)), init("b", np.zeros(3, np.float32)),
            init("m", np.zeros(3, np.float32)), init("v", np.ones(3, np.float32))]),
     ["BatchNormalization", "scale", "3"])
case("batchnorm_mean_2d",
     model([node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"])], [vi("x", [1, 3, 2, 2])], [vi("y", None)],
           [init("s", np.ones(3, np.float32)), init("b", np.zeros(3, np.float32)),
            init("m", np.zeros((3, 1), np.float32)), init("v", np.ones(3, np.float32))]),
     ["BatchNormalization", "mean", "3"])
case("instancenorm_scale_wrong_size",
     model([node("InstanceNormalization", ["x", "s", "b"], ["y"])], [vi("x", [1, 3, 2, 2])], [vi("y", None)],
           [init("s", np.ones(2, np.float32)), init("b", np.zeros(3, np.float32))]),
     ["InstanceNormalization", "scale", "3"])

# --- Attribute ranges: axes -------------------------------------------------------------------------------------------
case("softmax_axis_out_of_range", unary("Softmax", axis=5), ["Softmax", "axis 5", "rank 2"])
case("softmax_axis_negative_out_of_range", unary("Softmax", axis=-3), ["Softmax", "axis -3", "rank 2"])
case("logsoftmax11_axis_out_of_range", unary("LogSoftmax", opset=11, axis=7), ["LogSoftmax", "axis 7", "rank 2"])
case("hardmax_not_supported_axis", unary("Softmax", opset=11, axis=-9), ["Softmax", "axis -9"])
case("gather_axis_out_of_range", model([node("Gather", ["x", "i"], ["y"], axis=3)], [vi("x", [4])], [vi("y", None)],
                                       [IDX]), ["Gather", "axis"])
case("concat_axis_out_of_range", model([node("Concat", ["x", "x"], ["y"], axis=2)], [vi("x", [4])], [vi("y", None)]),
     ["Concat", "axis"])
case("split_axis_out_of_range", model([node("Split", ["x"], ["a", "b"], axis=-2)], [vi("x", [4])],
                                      [vi("a", None), vi("b", None)]), ["Split", "axis"])
case("flatten_axis_out_of_range", unary("Flatten", axis=4), ["Flatten", "axis"])
case("transpose_perm_repeated", unary("Transpose", perm=[0, 0]), ["Transpose", "perm"])
case("reduce_axes_out_of_range", model([node("ReduceSum", ["x", "ax"], ["y"])], [vi("x", [2, 2])], [vi("y", None)],
                                       [init("ax", np.array([2], np.int64))]), ["ReduceSum", "axis"])
case("squeeze_axis_not_one", model([node("Squeeze", ["x", "ax"], ["y"])], [vi("x", [2, 2])], [vi("y", None)],
                                   [init("ax", np.array([0], np.int64))]), ["Squeeze", "axis"])
case("layernorm_axis_out_of_range", model([node("LayerNormalization", ["x", "s"], ["y"], axis=3)], [vi("x", [2, 2])],
                                          [vi("y", None)], [init("s", np.ones(2, np.float32))]),
     ["LayerNormalization", "axis"])

# --- Attribute ranges: windows ----------------------------------------------------------------------------------------
case("conv_pads_negative", conv(pads=[-1, -1, -1, -1]), ["Conv", "pads", ">= 0"])
case("conv_strides_zero", conv(strides=[0, 1]), ["Conv", "strides", "between 1", "got 0"])
case("conv_dilations_zero", conv(dilations=[1, 0]), ["Conv", "dilations", "between 1", "got 0"])
case("conv_kernel_zero", model([node("Conv", ["x", "w"], ["y"])], X4, [vi("y", None)],
                               [init("w", np.ones((2, 1, 0, 3), np.float32))]), ["Conv", "kernel", "between 1", "got 0"])
case("conv_group_zero", conv(group=0), ["Conv", "group", ">= 1"])
case("conv_group_not_dividing", model([node("Conv", ["x", "w"], ["y"], group=2)], [vi("x", [1, 3, 4, 4])],
                                      [vi("y", None)], [init("w", np.ones((2, 1, 3, 3), np.float32))]),
     ["Conv", "group 2", "channels"])
case("conv_pads_2pow40", conv(pads=[2 ** 40] * 4), ["Conv", "pads", "at most 2^30"])
case("convtranspose_strides_zero", model([node("ConvTranspose", ["x", "w"], ["y"], strides=[0, 0])], X4,
                                         [vi("y", None)], [init("w", np.ones((1, 2, 3, 3), np.float32))]),
     ["ConvTranspose", "strides", ">= 1"])
case("convtranspose_pads_negative", model([node("ConvTranspose", ["x", "w"], ["y"], pads=[-9, 0, 0, 0])], X4,
                                          [vi("y", None)], [init("w", np.ones((1, 2, 3, 3), np.float32))]),
     ["ConvTranspose", "pads", ">= 0"])
case("maxpool_kernel_zero", pool(kernel_shape=[0, 2]), ["MaxPool", "kernel sizes", "between 1"])
case("maxpool_strides_zero", pool(kernel_shape=[2, 2], strides=[0, 2]), ["MaxPool", "strides", "between 1"])
case("maxpool_pads_negative", pool(kernel_shape=[2, 2], pads=[0, -1, 0, 0]), ["MaxPool", "pads", ">= 0"])
case("averagepool_pads_negative", pool("AveragePool", kernel_shape=[2, 2], pads=[-1, 0, 0, 0]),
     ["AveragePool", "pads", ">= 0"])
case("maxpool_no_kernel", pool(), ["MaxPool", "kernel_shape"])
case("depthtospace_blocksize_zero", model([node("DepthToSpace", ["x"], ["y"], blocksize=0)], X4, [vi("y", None)]),
     ["DepthToSpace", "blocksize"])

# --- Shapes and element counts: overflow-checked ----------------------------------------------------------------------
PADS = lambda v: init("p", np.array(v, np.int64))  # noqa: E731
case("pad_2pow40", model([node("Pad", ["x", "p"], ["y"])], [vi("x", [4, 4])], [vi("y", None)],
                         [PADS([2 ** 40] * 4)]), ["Pad", "elements"])
case("pad_2pow62_overflow", model([node("Pad", ["x", "p"], ["y"])], [vi("x", [4])], [vi("y", None)],
                                  [PADS([2 ** 62, 2 ** 62])]), ["Pad", "overflow"])
case("pad_negative_below_zero", model([node("Pad", ["x", "p"], ["y"])], [vi("x", [4])], [vi("y", None)],
                                      [PADS([-3, -3])]), ["Pad", "negative"])
case("pad2_attr_2pow40", model([node("Pad", ["x"], ["y"], pads=[2 ** 40, 2 ** 40])], [vi("x", [4])], [vi("y", None)],
                               opset=2), ["Pad", "elements"])
SPLIT = lambda v: init("s", np.array(v, np.int64))  # noqa: E731
case("split_sizes_negative", model([node("Split", ["x", "s"], ["a", "b"])], [vi("x", [4])],
                                   [vi("a", None), vi("b", None)], [SPLIT([6, -2])]), ["Split", ">= 0"])
case("split_sizes_wrong_sum", model([node("Split", ["x", "s"], ["a", "b"])], [vi("x", [4])],
                                    [vi("a", None), vi("b", None)], [SPLIT([1, 2])]), ["Split", "sum", "4"])
case("split11_attr_negative", model([node("Split", ["x"], ["a", "b"], split=[6, -2])], [vi("x", [4])],
                                    [vi("a", None), vi("b", None)], opset=11), ["Split", ">= 0"])
case("split_more_outputs_than_sizes", model([node("Split", ["x", "s"], ["a", "b", "c"])], [vi("x", [4])],
                                            [vi("a", None)], [SPLIT([2, 2])]), ["Split", "results"])
case("reshape_target_overflow", model([node("Reshape", ["x", "s"], ["y"])], [vi("x", [4])], [vi("y", None)],
                                      [init("s", np.array([2 ** 40, 2 ** 40, 2 ** 40], np.int64))]),
     ["Reshape", "more elements than int64"])
case("reshape_copy_missing_dim", model([node("Reshape", ["x", "s"], ["y"])], [vi("x", [4])], [vi("y", None)],
                                       [init("s", np.array([4, 0], np.int64))]), ["Reshape", "entry 0 copies"])
case("expand_huge", model([node("Expand", ["x", "s"], ["y"])], [vi("x", [1])], [vi("y", None)],
                          [init("s", np.array([2 ** 31, 2 ** 31, 4], np.int64))]), ["Expand", "elements"])
case("expand_negative", model([node("Expand", ["x", "s"], ["y"])], [vi("x", [1])], [vi("y", None)],
                              [init("s", np.array([-4], np.int64))]), ["Expand", "negative"])
case("constantofshape_huge", model([node("ConstantOfShape", ["s"], ["y"])], [vi("x", [1])], [vi("y", None)],
                                   [init("s", np.array([2 ** 40, 2 ** 40], np.int64))]),
     ["ConstantOfShape", "elements"])
case("constantofshape_negative", model([node("ConstantOfShape", ["s"], ["y"])], [vi("x", [1])], [vi("y", None)],
                                       [init("s", np.array([3, -1], np.int64))]), ["ConstantOfShape", "negative"])
case("range_delta_zero", model([node("Range", ["a", "b", "d"], ["y"])], [vi("x", [1])], [vi("y", None)],
                               [init("a", np.array(0, np.int64)), init("b", np.array(5, np.int64)),
                                init("d", np.array(0, np.int64))]), ["Range", "delta"])
case("range_huge", model([node("Range", ["a", "b", "d"], ["y"])], [vi("x", [1])], [vi("y", None)],
                         [init("a", np.array(0, np.int64)), init("b", np.array(2 ** 62, np.int64)),
                          init("d", np.array(1, np.int64))]), ["Range", "elements"])
case("resize_sizes_negative", model([node("Resize", ["x", "", "", "s"], ["y"])], X4, [vi("y", None)],
                                    [init("s", np.array([1, 1, -8, 8], np.int64))]), ["Resize", "sizes"])
case("gemm_inner_mismatch", model([node("Gemm", ["a", "b"], ["y"])], [vi("a", [2, 3])], [vi("y", None)],
                                  [init("b", np.ones((4, 2), np.float32))]), ["Gemm", "inner"])
case("conv_weight_rank", model([node("Conv", ["x", "w"], ["y"])], X4, [vi("y", None)],
                               [init("w", np.ones((2, 1, 3), np.float32))]), ["Conv", "rank"])
case("slice_step_zero", model([node("Slice", ["x", "a", "b", "ax", "st"], ["y"])], [vi("x", [4])], [vi("y", None)],
                              [init("a", np.array([0], np.int64)), init("b", np.array([4], np.int64)),
                               init("ax", np.array([0], np.int64)), init("st", np.array([0], np.int64))]),
     ["Slice", "step"])

# --- Resize and quantization scales -----------------------------------------------------------------------------------
RS = lambda v: init("sc", np.array(v, np.float32))  # noqa: E731
for tag, bad in (("negative", -2.0), ("zero", 0.0), ("nan", math.nan), ("inf", math.inf)):
    case(f"resize_scale_{tag}", model([node("Resize", ["x", "", "sc"], ["y"])], X4, [vi("y", None)],
                                      [RS([1, 1, bad, 2])]), ["Resize", "scales", "> 0"])
case("upsample_attr_scale_negative", model([node("Upsample", ["x"], ["y"], scales=[1.0, 1.0, -2.0, 2.0])], X4,
                                           [vi("y", None)], opset=8), ["Upsample", "scales", "> 0"])
case("resize_scale_huge", model([node("Resize", ["x", "", "sc"], ["y"])], X4, [vi("y", None)],
                                [RS([1, 1, 1e30, 1e30])]), ["Resize", "elements"])
for tag, bad in (("zero", 0.0), ("nan", math.nan), ("negative", -0.5)):
    case(f"quantize_scale_{tag}", model([node("QuantizeLinear", ["x", "sc", "zp"], ["y"])], [vi("x", [4])],
                                        [vi("y", None)], [init("sc", np.array(bad, np.float32)),
                                                          init("zp", np.array(0, np.uint8))]),
         ["QuantizeLinear", "scale", "> 0"])
case("quantize_scale_integer", model([node("QuantizeLinear", ["x", "sc"], ["y"])], [vi("x", [4])], [vi("y", None)],
                                     [init("sc", np.zeros((2, 3), np.uint8))]), ["QuantizeLinear", "scale", "float"])
case("quantize_x_integer", model([node("QuantizeLinear", ["x", "sc"], ["y"])], [vi("x", [4], I64)], [vi("y", None)],
                                 [init("sc", np.array(0.5, np.float32))]), ["QuantizeLinear", "X", "float"])
case("dequantize_x_bool", model([node("DequantizeLinear", ["q", "sc"], ["y"])], [vi("x", [1])], [vi("y", None)],
                                [init("q", np.ones(4, np.bool_)), init("sc", np.array(0.5, np.float32))]),
     ["DequantizeLinear", "X", "integer"])
case("dequantize_per_axis_size", model([node("DequantizeLinear", ["q", "sc"], ["y"], axis=0)], [vi("x", [1])],
                                       [vi("y", None)], [init("q", np.ones((4, 2), np.int8)),
                                                         init("sc", np.ones(3, np.float32))]),
     ["DequantizeLinear", "3 values", "has 4"])
case("dequantize_zero_point_type", model([node("DequantizeLinear", ["q", "sc", "zp"], ["y"])], [vi("x", [1])],
                                         [vi("y", None)], [init("q", np.ones(4, np.int8)),
                                                           init("sc", np.array(0.5, np.float32)),
                                                           init("zp", np.array(0, np.uint8))]),
     ["DequantizeLinear", "ui8", "i8"])
case("layernorm_scale_shape", model([node("LayerNormalization", ["x", "s"], ["y"])], [vi("x", [2, 4])],
                                    [vi("y", None)], [init("s", np.ones((3, 4), np.float32))]),
     ["LayerNormalization", "scale", "does not broadcast"])
case("layernorm_integer", model([node("LayerNormalization", ["x", "s"], ["y"])], [vi("x", [2, 4], I64)],
                                [vi("y", None)], [init("s", np.ones(4, np.int64))]), ["LayerNormalization", "float"])
case("gather_constant_index_out_of_range", model([node("Gather", ["x", "i"], ["y"])], [vi("x", [4])],
                                                 [vi("y", None)], [init("i", np.array([4], np.int64))]),
     ["Gather", "index 4", "size 4"])
case("gather_float_indices", model([node("Gather", ["x", "i"], ["y"])], [vi("x", [4])], [vi("y", None)],
                                   [init("i", np.array([1.0], np.float32))]), ["Gather", "indices", "int32 or int64"])
case("gather_bool_indices", model([node("Gather", ["x", "i"], ["y"])], [vi("x", [4]), vi("i", [1], TensorProto.BOOL)],
                                  [vi("y", None)]), ["Gather", "indices", "i1"])
case("expand_shape_2d", model([node("Expand", ["x", "s"], ["y"])], [vi("x", [1])], [vi("y", None)],
                              [init("s", np.array([[4]], np.int64))]), ["Expand", "1-D int64"])
case("constantofshape_float_shape", model([node("ConstantOfShape", ["s"], ["y"])], [vi("x", [1])], [vi("y", None)],
                                          [init("s", np.array([2.0], np.float32))]), ["ConstantOfShape", "1-D int64"])
case("graph_output_declared_type", model([node("Shape", ["x"], ["y"])], [vi("x", [4])], [vi("y", None, F32)]),
     ["graph output 'y'", "declared as f32", "computes i64"])
case("range_not_scalar", model([node("Range", ["a", "b", "d"], ["y"])], [vi("x", [1])], [vi("y", None)],
                               [init("a", np.zeros(0, np.int64)), init("b", np.array(5, np.int64)),
                                init("d", np.array(1, np.int64))]), ["Range", "scalars"])
case("dequantize_scale_inf", model([node("DequantizeLinear", ["q", "sc"], ["y"])], [vi("x", [1])], [vi("y", None)],
                                   [init("q", np.ones(4, np.uint8)), init("sc", np.array(math.inf, np.float32))]),
     ["DequantizeLinear", "scale", "> 0"])

# --- Graph structure: unique producers and names, opset ---------------------------------------------------------------
case("duplicate_producer", model([node("Relu", ["x"], ["y"], name="r1"), node("Sigmoid", ["x"], ["y"], name="r2")],
                                 [vi("x", [4])], [vi("y", None)]), ["r2", "'y'", "already produced"])
case("output_shadows_input", model([node("Relu", ["x"], ["x"])], [vi("x", [4])], [vi("x", None)]),
     ["'x'", "already produced"])
case("output_shadows_initializer", model([node("Relu", ["x"], ["b"])], [vi("x", [4])], [vi("b", None)],
                                         [init("b", np.ones(4, np.float32))]), ["'b'", "already produced"])
case("duplicate_initializer", model([node("Add", ["x", "b"], ["y"])], [vi("x", [4])], [vi("y", None)],
                                    [init("b", np.ones(4, np.float32)), init("b", np.zeros(4, np.float32))]),
     ["initializer", "'b'", "twice"])
case("duplicate_graph_input", model([node("Add", ["x", "x"], ["y"])], [vi("x", [4]), vi("x", [4])], [vi("y", None)]),
     ["graph input", "'x'", "twice"])
case("node_output_twice", model([node("Split", ["x"], ["a", "a"])], [vi("x", [4])], [vi("a", None)]),
     ["'a'", "twice"])
case("graph_output_empty_name", model([node("Relu", ["x"], ["y"])], [vi("x", [4])], [vi("", None)]),
     ["graph output", "name"])
case("opset_negative", unary("Relu", opset=-5), ["opset -5"])
case("opset_zero", unary("Relu", opset=0), ["opset 0"])
case("opset_missing", model([node("Relu", ["x"], ["y"])], [vi("x", [4])], [vi("y", None)], opsets=[]), ["opset"])
case("opset_too_new", unary("Relu", opset=19), ["opset 19", "17"])
case("not_topological", model([node("Relu", ["t"], ["y"], name="r1"), node("Relu", ["x"], ["t"], name="r2")],
                              [vi("x", [4])], [vi("y", None)]), ["r1", "'t'", "not produced"])
case("graph_output_unknown", model([node("Relu", ["x"], ["y"])], [vi("x", [4])], [vi("z", None)]),
     ["graph output", "'z'"])

# --- Dtype agreement --------------------------------------------------------------------------------------------------
case("add_f32_f16", model([node("Add", ["a", "b"], ["y"])], [vi("a", [4]), vi("b", [4], F16)], [vi("y", None)]),
     ["Add", "f32", "f16"])
case("concat_f32_i64", model([node("Concat", ["a", "b"], ["y"], axis=0)], [vi("a", [4]), vi("b", [4], I64)],
                             [vi("y", None)]), ["Concat", "f32", "i64"])
case("matmul_f32_f16", model([node("MatMul", ["a", "b"], ["y"])], [vi("a", [2, 2]), vi("b", [2, 2], F16)],
                             [vi("y", None)]), ["MatMul", "f32", "f16"])
case("conv_weight_f16", model([node("Conv", ["x", "w"], ["y"])], X4, [vi("y", None)],
                              [init("w", np.ones((2, 1, 3, 3), np.float16))]), ["Conv", "f32", "f16"])
case("where_branches_differ", model([node("Where", ["c", "a", "b"], ["y"])],
                                    [vi("c", [4], TensorProto.BOOL), vi("a", [4]), vi("b", [4], I64)],
                                    [vi("y", None)]), ["Where", "f32", "i64"])
case("gemm_bias_i64", model([node("Gemm", ["a", "b", "c"], ["y"])], [vi("a", [2, 2])], [vi("y", None)],
                            [init("b", np.ones((2, 2), np.float32)), init("c", np.ones(2, np.int64))]),
     ["Gemm", "f32", "i64"])

# --- Command line ----------------------------------------------------------------------------------------------------
RELU4 = model([node("Relu", ["x"], ["y"])], [vi("x", ["N", 4])], [vi("y", None)])
case("cli_shape_trailing_x", RELU4, ["--shape", "x=1x4x"], code=2, args=["--shape", "x=1x4x"])
case("cli_shape_leading_x", RELU4, ["--shape"], code=2, args=["--shape", "x=x1x4"])
case("cli_shape_double_x", RELU4, ["--shape"], code=2, args=["--shape", "x=1xx4"])
case("cli_shape_zero_dim", RELU4, ["--shape"], code=2, args=["--shape", "x=0x4"])
case("cli_shape_2pow63_elements", model([node("Relu", ["x"], ["y"])], [vi("x", ["A", "B", "C"])], [vi("y", None)]),
     ["graph input 'x'", "overflows int64"], args=["--shape", "x=2097152x2097152x2097152"])
case("cli_shape_over_cap", RELU4, ["graph input 'x'", "400000000 elements", "--max-tensor-elements"],
     args=["--shape", "x=100000000x4"])
case("cli_cap_lowered", model([node("Relu", ["x"], ["y"])], [vi("x", [8, 8])], [vi("y", None)]),
     ["graph input 'x'", "64 elements", "more than the 10", "--max-tensor-elements"], args=["--max-tensor-elements", "10"])
case("cli_cap_result", model([node("Expand", ["x", "s"], ["y"])], [vi("x", [1])], [vi("y", None)],
                             [init("s", np.array([4, 4], np.int64))]),
     ["Expand", "result 0", "16 elements", "more than the 10"], args=["--max-tensor-elements", "10"])
case("cli_cap_not_a_number", RELU4, ["--max-tensor-elements"], code=2, args=["--max-tensor-elements", "lots"])

# --- Valid edge cases: must still compile -----------------------------------------------------------------------------
valid("ok_depthwise_conv", model([node("Conv", ["x", "w"], ["y"], group=2, pads=[1, 1, 1, 1])],
                                  [vi("x", [1, 2, 4, 4])], [vi("y", None)], [init("w", np.ones((2, 1, 3, 3), np.float32))]))
valid("ok_softmax_negative_axis", unary("Softmax", axis=-1))
valid("ok_softmax11_axis0", unary("Softmax", opset=11, axis=0))
valid("ok_gather_negative_axis", model([node("Gather", ["x", "i"], ["y"], axis=-1)], [vi("x", [2, 4])],
                                       [vi("y", None)], [IDX]))
valid("ok_split11_equal", model([node("Split", ["x"], ["a", "b"])], [vi("x", [4])], [vi("a", None), vi("b", None)],
                                opset=11))
valid("ok_split_zero_size", model([node("Split", ["x", "s"], ["a", "b"])], [vi("x", [4])],
                                  [vi("a", None), vi("b", None)], [SPLIT([4, 0])]))
valid("ok_clip_empty_min", model([node("Clip", ["x", "", "mx"], ["y"])], [vi("x", [4])], [vi("y", None)],
                                 [init("mx", np.array(1.0, np.float32))]))
valid("ok_initializer_listed_as_input", model([node("Add", ["x", "b"], ["y"])], [vi("x", [4]), vi("b", [4])],
                                              [vi("y", None)], [init("b", np.ones(4, np.float32))]))
valid("ok_resize_scale_half", model([node("Resize", ["x", "", "sc"], ["y"])], X4, [vi("y", None)],
                                    [RS([1, 1, 0.5, 0.5])]))
valid("ok_lstm", model([node("LSTM", ["x", "w", "r"], ["y"], hidden_size=2)], [vi("x", [1, 1, 3])], [vi("y", None)],
                       lstm_inits()))
valid("ok_batchnorm", model([node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"])], [vi("x", [1, 3, 2, 2])],
                            [vi("y", None)], [init(n, np.ones(3, np.float32)) for n in "sbmv"]))
valid("ok_opset7_add_same_type", model([node("Add", ["a", "b"], ["y"])], [vi("a", [4]), vi("b", [4])],
                                       [vi("y", None)], opset=7))
valid("ok_dynamic_dim_bound", RELU4, args=["--shape", "x=3x4"])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    names = set()
    manifest = []
    for c in CASES:
        assert c["name"] not in names, c["name"]
        names.add(c["name"])
        path = os.path.join(out, c["name"] + ".onnx")
        with open(path, "wb") as f:
            f.write(c.pop("model").SerializeToString())
        manifest.append(dict(c, path=path))
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"{len(manifest)} cases ({sum(c['code'] != 0 for c in manifest)} invalid) written to {out}")


if __name__ == "__main__":
    main()
