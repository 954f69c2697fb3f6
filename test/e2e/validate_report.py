#!/usr/bin/python3
"""Validates an emlc report against docs/report.schema.json and checks that
its totals agree with its layers. Prints one summary line."""
import json
import sys

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
print(f"valid: {len(report['layers'])} layers, arena {t['arena_bytes']} >= bound {t['arena_lower_bound_bytes']}, "
      f"macs {t['macs']}")
