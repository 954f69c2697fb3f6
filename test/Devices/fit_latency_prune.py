"""emlc fit --latency-limit at half the int8 estimate (issue 17): the grid's fixed pruning ratios miss such a
limit, the candidates pruned toward it (prune_goal latency_limit) meet it.

Independent of the cost model's figures: the limit is half of what `emlc compile --quantize=int8` estimates for
the device. A small CNN (two 3x3 convs of 16 channels, prunable in fours on Cortex-M4) with 16 calibration
samples (fewer than fit's 64: weight-norm pruning, uncorrected, so it stays fast) and --prune-ratios 0. Checks
that fit.json validates, int8 unpruned misses the limit, int8 and auto pruned toward it are there, the int8 one
removed some MACs and is within the limit, the chosen candidate meets the limit, and the plot rings them.

usage: fit_latency_prune.py EMLC DEVICE SCHEMA OUTDIR"""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import numpy as np
from onnx import TensorProto, helper, numpy_helper

emlc, device, schema, out = sys.argv[1:5]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(3)


def init(name, shape):
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32) * 0.3, name)


graph = helper.make_graph(
    [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
     helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
     helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
     helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
     helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
     helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
     helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], name="fc", transB=1)],
    "two_convs", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 12, 12])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])],
    [init("w1", (16, 1, 3, 3)), init("b1", (16,)), init("w2", (16, 16, 3, 3)), init("b2", (16,)),
     init("fw", (3, 16)), init("fb", (3,))])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
with open(f"{out}/model.onnx", "wb") as f:
    f.write(model.SerializeToString())
np.save(f"{out}/cx.npy", rng.random((16, 1, 12, 12), dtype=np.float32))
np.save(f"{out}/cy.npy", rng.integers(0, 3, 16))
np.save(f"{out}/vx.npy", rng.random((16, 1, 12, 12), dtype=np.float32))
np.save(f"{out}/vy.npy", rng.integers(0, 3, 16))

subprocess.run([emlc, "compile", f"{out}/model.onnx", "--device", device, "--quantize=int8", "--calibration",
                f"{out}/cx.npy", "-o", f"{out}/int8", "--report", f"{out}/int8.json"], check=True,
               capture_output=True)
limit = round(json.load(open(f"{out}/int8.json"))["totals"]["latency_ms_estimate"] / 2, 5)
p = subprocess.run([emlc, "fit", f"{out}/model.onnx", "--device", device, "-o", f"{out}/fit", "--calibration",
                    f"{out}/cx.npy", "--calibration-labels", f"{out}/cy.npy", "--validation", f"{out}/vx.npy",
                    "--validation-labels", f"{out}/vy.npy", "--prune-ratios", "0", "--latency-limit", str(limit)],
                   capture_output=True, text=True)
print(p.stdout)
assert p.returncode == 0, p.stderr
j = json.load(open(f"{out}/fit/fit.json"))
jsonschema.validate(j, json.load(open(schema)))
grid = {(c["precision"], c["optimize"]): c for c in j["candidates"] if c["prune_goal"] == "ratio"}
assert not grid[("int8", "speed")]["meets_limits"], grid[("int8", "speed")]
toward = {c["precision"]: c for c in j["candidates"] if c["prune_goal"] == "latency_limit"}
print("pruned toward the limit:", sorted(toward))
i8 = toward["int8"]
assert i8["meets_limits"] and 0 < i8["prune"] < 1 and i8["latency_ms_estimate"] <= limit, i8
print(f"int8 toward {limit} ms: {i8['latency_ms_estimate']} ms, {i8['prune']:.2f} of the MACs removed")
chosen = j["candidates"][j["chosen"]]
assert chosen["meets_limits"] and chosen["latency_ms_estimate"] <= limit, chosen
assert chosen["prune_goal"] == "latency_limit", chosen  # nothing of the grid reaches half
print(f"chosen: {chosen['precision']} {chosen['prune_goal']}")
svg = ET.parse(f"{out}/fit/fit.svg").getroot()
rings = [c for c in svg.iter("{http://www.w3.org/2000/svg}circle") if c.get("stroke-dasharray")]
print(f"dashed rings: {len(rings)}")
