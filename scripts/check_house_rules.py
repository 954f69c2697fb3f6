#!/usr/bin/python3
"""House rules of the C++ tree, measured (docs/ARCHITECTURE.md, "House rules"):

- no function in lib/, dialects/, targets/ or tools/ longer than 200 lines;
- no C++ file there longer than 900 lines;
- no kernel name in lib/Conversion: kernels are chosen by the variants their
  folders register (targets/<folder>/lowering), never named by the lowering.

Prints the longest functions and files; exit 1 when a rule is broken.
usage: scripts/check_house_rules.py [--max-function 200] [--max-file 900]"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CODE_DIRS = ["lib", "dialects", "targets", "tools", "include"]


def sources(dirs, exts=(".cpp", ".h")):
    for d in dirs:
        for dp, _, fs in os.walk(os.path.join(ROOT, d)):
            for f in sorted(fs):
                if f.endswith(exts):
                    yield os.path.join(dp, f)


def strip(line):
    """The line without comments and string/char literal contents."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])*'", "''", line)
    return re.sub(r"//.*", "", line)


def functions(path):
    """(lines, first line, head) of each outermost function body: a '{' that
    closes a parameter list ') {', counted to its matching '}'."""
    out, depth, start, start_depth, head, in_block = [], 0, None, 0, "", False
    with open(path, errors="replace") as f:
        lines = f.read().split("\n")
    for i, raw in enumerate(lines):
        line = strip(raw)
        if in_block:
            if "*/" not in line:
                continue
            line, in_block = line.split("*/", 1)[1], False
        while "/*" in line:
            before, _, rest = line.partition("/*")
            if "*/" in rest:
                line = before + rest.split("*/", 1)[1]
            else:
                line, in_block = before, True
        for pos, ch in enumerate(line):
            if ch == "{":
                if start is None and re.search(r"\)\s*(const\s*)?(override\s*)?(->\s*[\w:<>&*\s]+)?$", line[:pos]) \
                        and not re.match(r"\s*(if|for|while|switch|else|do|catch)\b", line):
                    start, start_depth, head = i, depth, raw.strip()[:90]
                depth += 1
            elif ch == "}":
                depth -= 1
                if start is not None and depth == start_depth:
                    out.append((i - start + 1, start + 1, head))
                    start = None
    return out


def kernel_names():
    names = set()
    for path in sources(["targets"], (".c",)):
        with open(path) as f:
            for line in f:
                m = re.match(r"// @kernel (\w+)", line)
                if m and not m.group(1).endswith("_impl"):
                    names.add(m.group(1))
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-function", type=int, default=200)
    ap.add_argument("--max-file", type=int, default=900)
    args = ap.parse_args()
    bad = []
    funcs, files = [], []
    for path in sources(CODE_DIRS):
        rel = os.path.relpath(path, ROOT)
        with open(path, errors="replace") as f:
            n = f.read().count("\n")
        files.append((n, rel))
        funcs += [(length, f"{rel}:{line}", head) for length, line, head in functions(path)]
    funcs.sort(reverse=True)
    files.sort(reverse=True)
    print(f"longest functions (of {len(funcs)}):")
    for length, where, head in funcs[:5]:
        print(f"  {length:5} {where}  {head}")
    print(f"longest files (of {len(files)}):")
    for n, rel in files[:5]:
        print(f"  {n:5} {rel}")
    bad += [f"function of {l} lines (> {args.max_function}): {w}" for l, w, _ in funcs if l > args.max_function]
    bad += [f"file of {n} lines (> {args.max_file}): {r}" for n, r in files if n > args.max_file]
    names = kernel_names()
    for path in sources(["lib/Conversion", "include/emlc/Conversion"]):
        with open(path) as f:
            for i, line in enumerate(f, 1):
                for lit in re.findall(r'"((?:\\.|[^"\\])*)"', re.sub(r"//.*", "", line)):
                    # The lowering to kernels may not build names from prefixes either ("conv2d_" + type);
                    # elsewhere (ONNX mnemonics such as "leaky_relu") only whole names count.
                    prefix = "NNToKernel" in path and len(lit) >= 5 and "_" in lit
                    hit = lit in names or (prefix and any(k.startswith(lit) for k in names))
                    if hit:
                        bad.append(f"kernel name '{lit}' in {os.path.relpath(path, ROOT)}:{i}")
    print(f"kernel names checked: {len(names)} kernels against lib/Conversion")
    for b in bad:
        print("FAIL " + b)
    print(f"{0 if bad else 1} passed, {1 if bad else 0} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
