#!/usr/bin/python3
"""Mixed precision under a flash budget (issue 15): for each labelled model, the
accuracy of the emitted C (built and run on the host over the whole test set)
at flash limits of 100/75/60/50/40/30% of its int8 weight bytes, for
--precision=auto with the exact search and with the greedy one, against
uniform int4 (which fits or not), and the weight precision auto chose per
layer. The int8 weight bytes are what `--quantize=int8 --optimize size`
stores (weights and int32 biases: the report's totals.weight_bytes); every
compile uses --optimize size, so the limit is on the smallest kernels.
The budget is passed as --weights-limit (the weights alone; the default),
or with --limit flash as --flash-limit, which counts the code's estimate too:
a budget taken from the weight bytes then leaves the small models no room
(fashion-dscnn and digits-cnn fit at no budget, 2026-12-05), and uniform
int4, whose weights alone are half of int8's, does not fit at 50%.

Top-1 on 10,000 images moves by chance between versions that differ by a few
images, so each cell also gives the agreement with the float model's
predictions (how faithful the plan is, whatever the labels), and each row how
many images auto (exact) gets right that uniform int4 gets wrong and the reverse
(McNemar's discordant pairs, with the two-sided p of the difference).
--data fashion-mnist-train-heldout scores the Fashion-MNIST models on their
59,488 training images outside the calibration set instead (six times the
test set; the float models were trained on them, so the accuracy is not a test
accuracy, but the comparison between quantized versions is fair).

usage: mixed_precision.py EMLC [--models a,b] [--budgets 100,75,...] [--limit flash|weights]
                          [--data fashion-mnist-test|fashion-mnist-train-heldout] [--json OUT]
Prints one markdown table per model."""
import argparse
import json
import math
import os
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))
import datasets  # noqa: E402
from check_accuracy import predictions  # noqa: E402
from emlc_testlib import Failure  # noqa: E402

SHARED = os.path.join(ROOT, "..", "shared")
MODELS = {  # model -> (test set, calibration samples)
    "fashion-mlp-fp32": ("fashion-mnist-test", "data/fashion/calib_x.npy"),
    "fashion-cnn-fp32": ("fashion-mnist-test", "data/fashion/calib_x.npy"),
    "fashion-dscnn-fp32": ("fashion-mnist-test", "data/fashion/calib_x.npy"),
    "digits-cnn-fp32-op13": ("digits", "data/digits/calib_x.npy"),
}
SHORT = {"int8": "8", "int4": "4", "int2": "2", "ternary": "t"}


def run(emlc, model, x, y, extra):
    """Accuracy of the C compiled with `extra`, its predictions, weight bytes and per-layer weight precisions; an
    error if refused."""
    with tempfile.TemporaryDirectory() as d:
        report = os.path.join(d, "report.json")
        try:
            pred = predictions(emlc, model, x, int(y.max()) + 1, os.path.join(d, "w"), [*extra, "--report", report])
        except Failure as f:
            return {"error": f.message.strip().splitlines()[-1] if f.message.strip() else f.stage}
        r = json.load(open(report))
    bits = [SHORT.get(layer.get("weight_precision", "int8")) for layer in r["layers"]
            if layer["op"] in ("nn.conv2d", "nn.fully_connected") and layer["weight_bytes"] > 0]
    return {"accuracy": float(np.mean(pred == y)), "pred": pred, "weight_bytes": r["totals"]["weight_bytes"],
            "flash_bytes": r["totals"]["weight_bytes"] + r["totals"].get("code_bytes_estimate", 0),
            "bits": "/".join(bits)}


def mcnemar_p(b, c):
    """Two-sided exact McNemar p: the chance of a split at least this uneven of b + c discordant pairs, each
    going either way with probability 1/2."""
    n, k = b + c, min(b, c)
    if n == 0:
        return 1.0
    logs = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) - n * math.log(2) for i in range(k + 1)]
    top = max(logs)
    return min(1.0, 2 * math.exp(top) * sum(math.exp(v - top) for v in logs))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("emlc")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--budgets", default="100,75,60,50,40,30")
    ap.add_argument("--limit", choices=("flash", "weights"), default="weights",
                    help="the budget as --flash-limit (weights + code) or --weights-limit")
    ap.add_argument("--data", choices=("fashion-mnist-test", "fashion-mnist-train-heldout"),
                    default="fashion-mnist-test", help="the Fashion-MNIST models' labelled set")
    ap.add_argument("--json", help="write every measurement here")
    args = ap.parse_args()
    results = {}
    for name in args.models.split(","):
        data, calib = MODELS[name]
        data = args.data if data == "fashion-mnist-test" else data
        model = os.path.join(SHARED, "models", name, "model.onnx")
        data = data if data != "digits" else ",".join(os.path.join(SHARED, "data/digits", f) for f in
                                                      ("test_x.npy", "test_y.npy"))
        if not os.path.exists(model) or not datasets.available(data):
            print(f"SKIP {name}: model or data missing")
            continue
        x, y = datasets.load_set(data)
        q = ["--calibration", os.path.join(SHARED, calib), "--optimize", "size"]
        base = {"float": run(args.emlc, model, x, y, ["--optimize", "size"]),
                "int8": run(args.emlc, model, x, y, ["--quantize=int8", *q]),
                "int4": run(args.emlc, model, x, y, ["--precision", "int4", *q])}
        int8_bytes = base["int8"]["weight_bytes"]
        rows = []
        for pct in (int(p) for p in args.budgets.split(",")):
            limit = int8_bytes * pct // 100
            row = {"budget_pct": pct, "limit": limit}
            for search in ("exact", "greedy"):
                row[search] = run(args.emlc, model, x, y,
                                  ["--precision", "auto", "--search", search, f"--{args.limit}-limit", str(limit), *q])
            row["int4_fits"] = base["int4"]["flash_bytes" if args.limit == "flash" else "weight_bytes"] <= limit
            rows.append(row)
            print(f"  {name} {pct}%: done", file=sys.stderr)
        results[name] = {"base": base, "rows": rows}
        print(f"\n### {name}: float {100 * base['float']['accuracy']:.2f}%, int8 {100 * base['int8']['accuracy']:.2f}% "
              f"({int8_bytes} B), uniform int4 {100 * base['int4']['accuracy']:.2f}% ({base['int4']['weight_bytes']} B)"
              f" on {len(x)} samples ({data}); budgets as --{args.limit}-limit; in brackets: agreement with the "
              f"float model's predictions\n")
        print("| budget | limit (B) | auto exact | bytes | bits per layer (exact) | auto greedy | bits (greedy) "
              "| uniform int4 | exact vs int4: images only auto / only int4 gets right (p) |")
        print("|---|---|---|---|---|---|---|---|---|")
        fp = base["float"].get("pred")

        def acc(r):
            if "accuracy" not in r:
                return "does not fit"
            return f"{100 * r['accuracy']:.2f}%" + (f" ({100 * np.mean(r['pred'] == fp):.2f})" if fp is not None else "")

        def versus(a, b):
            if "pred" not in a or "pred" not in b:
                return "-"
            only_a = int(np.sum((a["pred"] == y) & (b["pred"] != y)))
            only_b = int(np.sum((a["pred"] != y) & (b["pred"] == y)))
            return f"{only_a} / {only_b} ({mcnemar_p(only_a, only_b):.2f})"
        for row in rows:
            e, g = row["exact"], row["greedy"]
            print(f"| {row['budget_pct']}% | {row['limit']} | {acc(e)} | {e.get('weight_bytes', '-')} | "
                  f"{e.get('bits', '-')} | {acc(g)} | {g.get('bits', '-')} | "
                  f"{acc(base['int4'])}{'' if row['int4_fits'] else ' (over)'} | {versus(e, base['int4'])} |")
    if args.json:
        for r in results.values():  # the predictions stay out of the file
            for run_ in [*r["base"].values(), *(row[k] for row in r["rows"] for k in ("exact", "greedy"))]:
                run_.pop("pred", None)
        json.dump(results, open(args.json, "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
