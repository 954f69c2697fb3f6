#!/usr/bin/python3
"""Compile time and peak memory of a chain of N Relu nodes: every step of emlc (import, passes, scheduling,
memory planning, the report's arena lower bound, C emission) must stay near-linear in the node count
(issue 19: 10k nodes took 1.4 s, 20k 4.9 s, 40k 21 s, 100k over 4 minutes at 2.2 GB).
--weighted: a chain of Add nodes with a constant of its own each, so every node has a weight (the passes over
weights: the unused-weight sweep asked the whole module per weight, 9 s for a 3-D conv's 4,000 ops).

usage: bench/long_chain.py EMLC [--sizes 10000,20000,40000,100000] [--weighted] [--check]
Prints a table: N, seconds (wall clock of `emlc compile`), peak RSS, kernel calls.
--check (CTest long-chain.100k): fails unless every compile succeeds with one relu call per node; the test's
timeout (not a timed assertion) catches a return to quadratic time.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import onnx
from onnx import TensorProto, helper


def chain(n, path, weighted):
    def node(i):
        a, out = "x" if i == 0 else "t%d" % (i - 1), "t%d" % i if i < n - 1 else "y"
        if weighted:
            return helper.make_node("Add", [a, "c%d" % i], [out], name="add%d" % i)
        return helper.make_node("Relu", [a], [out], name="relu%d" % i)
    # distinct values, so no two constants are folded into one weight
    weights = [helper.make_tensor("c%d" % i, TensorProto.FLOAT, [4], [i, i + 0.25, i + 0.5, i + 0.75])
               for i in range(n)] if weighted else []
    graph = helper.make_graph([node(i) for i in range(n)], "chain",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], weights)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def compile_once(emlc, model, out):
    """Exit code, wall seconds, peak RSS (MB) of this compile alone (wait4's rusage), stdout, stderr."""
    with tempfile.TemporaryFile("w+") as so, tempfile.TemporaryFile("w+") as se:
        start = time.monotonic()
        p = subprocess.Popen([emlc, "compile", model, "-o", out], stdout=so, stderr=se)
        _, status, usage = os.wait4(p.pid, 0)
        seconds = time.monotonic() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        so.seek(0)
        se.seek(0)
        return p.returncode, seconds, usage.ru_maxrss / 1024, so.read(), se.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc")
    ap.add_argument("--sizes", default="10000,20000,40000,100000")
    ap.add_argument("--weighted", action="store_true", help="Add nodes with a constant each, not Relu")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    failed = 0
    print("%8s %9s %10s %13s" % ("nodes", "seconds", "peak MB", "kernel calls"))
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            model = os.path.join(tmp, "chain%d.onnx" % n)
            chain(n, model, args.weighted)
            rc, seconds, rss, stdout, stderr = compile_once(args.emlc, model, os.path.join(tmp, "out%d" % n))
            calls = re.search(r"kernel calls:\s+(\d+)", stdout)
            calls = int(calls.group(1)) if calls else -1
            print("%8d %9.2f %10.0f %13d" % (n, seconds, rss, calls), flush=True)
            if args.check and (rc != 0 or calls != n):
                print("FAIL: %d nodes: exit %s, %d kernel calls (expected %d)\n%s" % (n, rc, calls, n, stderr))
                failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
