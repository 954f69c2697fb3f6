#!/usr/bin/python3
"""Generates dialects/ONNX/ONNXOperators.td: the onnx dialect's operators with
their attributes typed and defaulted as the ONNX schemas (opset 17) say.

The operator list, arities, summaries and folders are in OPS below; attribute
names, kinds, defaults and required-ness come from onnx.defs, so they are not
restated by hand. Overrides (ATTR_OVERRIDES) cover the importer's
normalization: attributes that older opsets had and that the importer turns
into operands are dropped, and a few newer-opset attributes are added.

Usage: gen_onnx_ops.py          rewrite the .td
       gen_onnx_ops.py --check  exit 1 if the checked-in .td is not current
Run with /usr/bin/python3 (it has python3-onnx)."""
import os
import sys

import onnx
import onnx.defs
import onnx.helper

OPSET = 17
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dialects", "ONNX", "ONNXOperators.td")

# (section, [(ONNX op type, mnemonic, min inputs, max inputs, results (-1: any), folder, summary)])
OPS = [
    ("Compute", [
        ("Conv", "conv", 2, 3, 1, False, "ONNX Conv"),
        ("ConvTranspose", "conv_transpose", 2, 3, 1, False, "ONNX ConvTranspose"),
        ("Gemm", "gemm", 2, 3, 1, False, "ONNX Gemm"),
        ("MatMul", "mat_mul", 2, 2, 1, False, "ONNX MatMul"),
        ("LSTM", "lstm", 3, 8, -1, False, "ONNX LSTM"),
        ("GRU", "gru", 3, 6, -1, False, "ONNX GRU"),
        ("RNN", "rnn", 3, 6, -1, False, "ONNX RNN"),
    ]),
    ("Activations and unary math", [
        ("Relu", "relu", 1, 1, 1, False, "ONNX Relu"),
        ("LeakyRelu", "leaky_relu", 1, 1, 1, False, "ONNX LeakyRelu"),
        ("PRelu", "p_relu", 2, 2, 1, False, "ONNX PRelu"),
        ("Clip", "clip", 1, 3, 1, False, "ONNX Clip (min/max as operands)"),
        ("Sigmoid", "sigmoid", 1, 1, 1, False, "ONNX Sigmoid"),
        ("HardSigmoid", "hard_sigmoid", 1, 1, 1, False, "ONNX HardSigmoid"),
        ("HardSwish", "hard_swish", 1, 1, 1, False, "ONNX HardSwish"),
        ("Tanh", "tanh", 1, 1, 1, False, "ONNX Tanh"),
        ("Elu", "elu", 1, 1, 1, False, "ONNX Elu"),
        ("Selu", "selu", 1, 1, 1, False, "ONNX Selu"),
        ("Softmax", "softmax", 1, 1, 1, False, "ONNX Softmax (opset 13 semantics)"),
        ("LogSoftmax", "log_softmax", 1, 1, 1, False, "ONNX LogSoftmax (opset 13 semantics)"),
        ("Exp", "exp", 1, 1, 1, False, "ONNX Exp"),
        ("Log", "log", 1, 1, 1, False, "ONNX Log"),
        ("Sqrt", "sqrt", 1, 1, 1, False, "ONNX Sqrt"),
        ("Abs", "abs", 1, 1, 1, False, "ONNX Abs"),
        ("Neg", "neg", 1, 1, 1, False, "ONNX Neg"),
        ("Reciprocal", "reciprocal", 1, 1, 1, False, "ONNX Reciprocal"),
        ("Floor", "floor", 1, 1, 1, False, "ONNX Floor"),
        ("Ceil", "ceil", 1, 1, 1, False, "ONNX Ceil"),
        ("Round", "round", 1, 1, 1, False, "ONNX Round (half to even)"),
        ("Erf", "erf", 1, 1, 1, False, "ONNX Erf"),
        ("Softplus", "softplus", 1, 1, 1, False, "ONNX Softplus"),
        ("Softsign", "softsign", 1, 1, 1, False, "ONNX Softsign"),
        ("Sin", "sin", 1, 1, 1, False, "ONNX Sin"),
        ("Cos", "cos", 1, 1, 1, False, "ONNX Cos"),
        ("Identity", "identity", 1, 1, 1, True, "ONNX Identity"),
        ("Dropout", "dropout", 1, 3, -1, False, "ONNX Dropout (inference: identity)"),
        ("Cast", "cast", 1, 1, 1, True, "ONNX Cast"),
    ]),
    ("Binary / variadic elementwise (numpy broadcasting)", [
        ("Add", "add", 2, 2, 1, True, "ONNX Add"),
        ("Sub", "sub", 2, 2, 1, True, "ONNX Sub"),
        ("Mul", "mul", 2, 2, 1, True, "ONNX Mul"),
        ("Div", "div", 2, 2, 1, True, "ONNX Div"),
        ("Pow", "pow", 2, 2, 1, False, "ONNX Pow"),
        ("Min", "min", 1, 64, 1, False, "ONNX Min"),
        ("Max", "max", 1, 64, 1, False, "ONNX Max"),
        ("Sum", "sum", 1, 64, 1, False, "ONNX Sum"),
        ("Mean", "mean", 1, 64, 1, False, "ONNX Mean"),
        ("Equal", "equal", 2, 2, 1, True, "ONNX Equal (shape subgraphs only)"),
        ("Where", "where", 3, 3, 1, True, "ONNX Where (shape subgraphs only)"),
    ]),
    ("Quantization (constant inputs fold at import; the int8 flow lowers the rest)", [
        ("DequantizeLinear", "dequantize_linear", 2, 3, 1, True, "ONNX DequantizeLinear"),
        ("QuantizeLinear", "quantize_linear", 2, 3, 1, True, "ONNX QuantizeLinear"),
        ("DynamicQuantizeLinear", "dynamic_quantize_linear", 1, 1, 3, False,
         "ONNX DynamicQuantizeLinear (uint8, scale and zero point from the data)"),
        # QOperator form: expanded into DequantizeLinear -> float op -> QuantizeLinear
        # before the QDQ fusion (lib/Conversion/ONNXToNN/QOperator.cpp).
        ("QLinearConv", "q_linear_conv", 8, 9, 1, False, "ONNX QLinearConv"),
        ("QLinearMatMul", "q_linear_mat_mul", 8, 8, 1, False, "ONNX QLinearMatMul"),
        ("MatMulInteger", "mat_mul_integer", 2, 4, 1, False, "ONNX MatMulInteger (int32 result)"),
        ("ConvInteger", "conv_integer", 2, 4, 1, False, "ONNX ConvInteger (int32 result)"),
    ]),
    ("Pooling and normalization", [
        ("MaxPool", "max_pool", 1, 1, -1, False, "ONNX MaxPool"),
        ("AveragePool", "average_pool", 1, 1, 1, False, "ONNX AveragePool"),
        ("GlobalAveragePool", "global_average_pool", 1, 1, 1, False, "ONNX GlobalAveragePool"),
        ("GlobalMaxPool", "global_max_pool", 1, 1, 1, False, "ONNX GlobalMaxPool"),
        ("BatchNormalization", "batch_normalization", 5, 5, -1, False, "ONNX BatchNormalization (inference)"),
        ("InstanceNormalization", "instance_normalization", 3, 3, 1, False, "ONNX InstanceNormalization"),
        ("LayerNormalization", "layer_normalization", 2, 3, -1, False, "ONNX LayerNormalization"),
        ("ReduceMean", "reduce_mean", 1, 2, 1, False, "ONNX ReduceMean (axes as operand)"),
        ("ReduceMax", "reduce_max", 1, 2, 1, False, "ONNX ReduceMax (axes as operand)"),
        ("ReduceMin", "reduce_min", 1, 2, 1, False, "ONNX ReduceMin (axes as operand)"),
        ("ReduceSum", "reduce_sum", 1, 2, 1, False, "ONNX ReduceSum (axes as operand)"),
    ]),
    ("Data movement", [
        ("Concat", "concat", 1, 64, 1, True, "ONNX Concat"),
        ("Reshape", "reshape", 2, 2, 1, True, "ONNX Reshape"),
        ("Flatten", "flatten", 1, 1, 1, True, "ONNX Flatten"),
        ("Squeeze", "squeeze", 1, 2, 1, True, "ONNX Squeeze (axes as operand)"),
        ("Unsqueeze", "unsqueeze", 2, 2, 1, True, "ONNX Unsqueeze (axes as operand)"),
        ("Transpose", "transpose", 1, 1, 1, True, "ONNX Transpose"),
        ("Pad", "pad", 2, 3, 1, False, "ONNX Pad (pads/value as operands)"),
        ("Slice", "slice", 3, 5, 1, True, "ONNX Slice (starts/ends/axes/steps as operands)"),
        ("Split", "split", 1, 2, -1, False, "ONNX Split (split as operand)"),
        ("Gather", "gather", 2, 2, 1, True, "ONNX Gather"),
        ("Shape", "shape", 1, 1, 1, True, "ONNX Shape"),
        ("ConstantOfShape", "constant_of_shape", 1, 1, 1, True, "ONNX ConstantOfShape"),
        ("Expand", "expand", 2, 2, 1, True, "ONNX Expand"),
        ("Resize", "resize", 1, 4, 1, False, "ONNX Resize (Upsample is imported as Resize)"),
        ("DepthToSpace", "depth_to_space", 1, 1, 1, False, "ONNX DepthToSpace"),
        ("Range", "range", 3, 3, 1, True, "ONNX Range (shape subgraphs only)"),
        ("SpaceToDepth", "space_to_depth", 1, 1, 1, False, "ONNX SpaceToDepth"),
    ]),
]

# Per op: attributes to drop (the importer makes them operands) and to add
# (name -> (ONNX attribute type, default or None)), with the reason.
ATTR_OVERRIDES = {
    # Opset 17 still has `axes` as an attribute here; the importer passes it as
    # operand 1 (opset 18 form), which also brings noop_with_empty_axes.
    "ReduceMean": {"drop": ["axes"], "add": {"noop_with_empty_axes": ("INT", 0)}},
    "ReduceMax": {"drop": ["axes"], "add": {"noop_with_empty_axes": ("INT", 0)}},
    "ReduceMin": {"drop": ["axes"], "add": {"noop_with_empty_axes": ("INT", 0)}},
    # Opset 18: without the `split` operand the importer records the node's
    # output count, so the result types follow from the op alone.
    "Split": {"add": {"num_outputs": ("INT", None)}},
    # The schema's default (Tanh, Tanh) is per direction in the specification
    # text, as LSTM's and GRU's are: the lowering applies all three alike.
    "RNN": {"no_default": ["activations"]},
}

# ONNX attribute type -> the MLIR attribute the importer creates (Importer.cpp, convertAttribute).
KINDS = {
    "INT": "ONNX_IntAttr",
    "FLOAT": "ONNX_FloatAttr",
    "STRING": "StrAttr",
    "INTS": "DenseI64ArrayAttr",
    "FLOATS": "DenseF32ArrayAttr",
    "STRINGS": "StrArrayAttr",
    "TENSOR": "ONNX_TensorAttr",
}


def f32_literal(v):
    """The shortest decimal that reads back as the same float32."""
    import numpy
    s = repr(float(numpy.float32(v)))
    for digits in range(1, 10):
        t = "%.*g" % (digits, v)
        if numpy.float32(float(t)) == numpy.float32(v):
            s = t
            break
    return s if any(c in s for c in ".e") else s + ".0"


def attr_decl(name, kind, default, required):
    base = KINDS[kind]
    if default is not None:
        if kind == "STRING":
            return 'DefaultValuedStrAttr<StrAttr, "%s">:$%s' % (default, name)
        if kind == "INT":
            return 'DefaultValuedAttr<%s, "%d">:$%s' % (base, default, name)
        if kind == "FLOAT":
            return 'DefaultValuedAttr<%s, "%s">:$%s' % (base, f32_literal(default), name)
        raise SystemExit("no default spelling for %s of kind %s" % (name, kind))
    if required:
        return "%s:$%s" % (base, name)
    return "OptionalAttr<%s>:$%s" % (base, name)


def attributes(op_type):
    schema = onnx.defs.get_schema(op_type, max_inclusive_version=OPSET)
    over = ATTR_OVERRIDES.get(op_type, {})
    out = []
    for name, a in sorted(schema.attributes.items()):
        if name in over.get("drop", []):
            continue
        kind = a.type.name
        if kind not in KINDS:
            raise SystemExit("%s.%s: attribute type %s has no MLIR kind" % (op_type, name, kind))
        default = None
        if a.default_value.type and name not in over.get("no_default", []):
            default = onnx.helper.get_attribute_value(a.default_value)
            if isinstance(default, bytes):
                default = default.decode()
        out.append((name, kind, default, a.required))
    for name, (kind, default) in sorted(over.get("add", {}).items()):
        out.append((name, kind, default, False))
    return sorted(out)


def generate():
    lines = [
        "//===- ONNXOperators.td - GENERATED by scripts/gen_onnx_ops.py: do not edit -===//",
        "//",
        "// The onnx dialect's operators with their attributes as the ONNX opset-%d" % OPSET,
        "// schemas declare them (kinds, defaults, required), after the importer's",
        "// normalization. Regenerate with `/usr/bin/python3 scripts/gen_onnx_ops.py`;",
        "// a CTest (onnx-ops-td-current) fails when this file is stale.",
        "//",
        "//===----------------------------------------------------------------------===//",
        "",
        "#ifndef EMLC_ONNX_OPERATORS",
        "#define EMLC_ONNX_OPERATORS",
        "",
    ]
    for section, ops in OPS:
        lines.append("// --- %s %s" % (section, "-" * max(3, 75 - len(section))))
        for op_type, mnemonic, lo, hi, results, folder, summary in ops:
            attrs = attributes(op_type)
            head = 'def ONNX_%sOp : ONNX_Op<"%s", %d, %d, %d' % (op_type, mnemonic, lo, hi, results)
            if attrs:
                decls = [attr_decl(*a) for a in attrs]
                lines.append(head + ", (ins")
                for i, d in enumerate(decls):
                    lines.append("    " + d + (")> {" if i == len(decls) - 1 else ","))
            else:
                lines.append(head + "> {")
            lines.append('  let summary = "%s";' % summary)
            if folder:
                lines.append("  let hasFolder = 1;")
            lines.append("}")
        lines.append("")
    lines.append("#endif // EMLC_ONNX_OPERATORS")
    return "\n".join(lines) + "\n"


def main():
    text = generate()
    if "--check" in sys.argv[1:]:
        current = open(OUT).read() if os.path.exists(OUT) else ""
        if current != text:
            print("%s is stale: run /usr/bin/python3 scripts/gen_onnx_ops.py" % os.path.relpath(OUT))
            return 1
        return 0
    with open(OUT, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
