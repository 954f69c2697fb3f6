#!/usr/bin/python3
"""Validates an emlc report against docs/report.schema.json and checks that
its totals agree with its layers; with a third argument, checks that the
arena SVG is well-formed XML with one box per arena buffer. Prints one
summary line."""
import json
import sys
import xml.etree.ElementTree as ET

import jsonschema

schema, report = (json.load(open(p)) for p in sys.argv[1:3])
jsonschema.validate(report, schema)
t = report["totals"]
assert t["macs"] == sum(l["macs"] for l in report["layers"]), "MACs do not add up"
assert t["kernel_calls"] == len(report["layers"])
assert t["arena_bytes"] >= t["arena_lower_bound_bytes"], "arena below its lower bound"
for l in report["layers"]:
    for o in l["outputs"]:
        if o["buffer"] == "arena":
            assert o["offset"] + o["bytes"] <= t["arena_bytes"], f"layer {l['index']} overflows the arena"
if len(sys.argv) > 3:
    svg = ET.parse(sys.argv[3]).getroot()
    boxes = [e for e in svg.iter("{http://www.w3.org/2000/svg}rect") if e.get("class") == "buffer"]
    buffers = sum(1 for l in report["layers"] for o in l["outputs"] if o["buffer"] == "arena")
    assert len(boxes) == buffers, f"{len(boxes)} boxes for {buffers} buffers"
    print(f"svg: {len(boxes)} buffer boxes")
print(f"valid: {len(report['layers'])} layers, arena {t['arena_bytes']} >= bound {t['arena_lower_bound_bytes']}, "
      f"macs {t['macs']}")
