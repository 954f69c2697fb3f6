"""Prints an ONNX model's structure one fact a line, for FileCheck: the model
fields, graph inputs/outputs with types, initializers (name, type, dims,
raw_data bytes) and nodes (type, name, inputs, outputs, attributes).
Usage: dump_onnx.py MODEL [--check] (--check: onnx.checker full check first)."""
import sys

import onnx
from onnx import helper

m = onnx.load(sys.argv[1])
if "--check" in sys.argv:
    onnx.checker.check_model(m, full_check=True)
    print("checker: ok")
print(f"ir_version {m.ir_version} opset {[(o.domain, o.version) for o in m.opset_import]} "
      f"producer {m.producer_name}")


def ty(v):
    t = v.type.tensor_type
    return f"{onnx.TensorProto.DataType.Name(t.elem_type)}[{'x'.join(str(d.dim_value) for d in t.shape.dim)}]"


for i in m.graph.input:
    print(f"input {i.name}: {ty(i)}")
for o in m.graph.output:
    print(f"output {o.name}: {ty(o)}")
for t in m.graph.initializer:
    print(f"initializer {t.name}: {onnx.TensorProto.DataType.Name(t.data_type)}{list(t.dims)} "
          f"raw_data {len(t.raw_data)} bytes")
for n in m.graph.node:
    attrs = ", ".join(f"{a.name}={helper.get_attribute_value(a)}" for a in n.attribute)
    print(f"node {n.op_type} '{n.name}' ({', '.join(n.input)}) -> ({', '.join(n.output)}) {{{attrs}}}")
