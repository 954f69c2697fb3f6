#!/usr/bin/python3
"""Where the instructions of one inference go on an MCU target, per function.

  scripts/profile_mcu.py [--target cortex-m4] [--inline | --kernels] MODEL [-- EMLC_COMPILE_ARGS]

Runs `emlc verify --keep`, rebuilds its one-inference program (with
-fno-inline so each kernel stays a function, unless told otherwise), runs it
under the target's QEMU with the project's TCG plugin in profile mode, and
prints the executed instructions per function (start-up and printing
included; they are small next to a model). A host target (x86-64,
x86-64-avx2) runs under its instruction_counter (qemu-x86_64 -cpu max),
linked -static -no-pie so that the C library's functions have addresses too.
--kernels keeps gcc's inlining inside the kernels but every kernel model_run
calls a function of its own (noinline): without it gcc inlines the small
kernels, and any called once, into model_run; each kernel's count is then its
own, as emlc verify's build runs it (the int16 kernels' costs were taken so)."""
import argparse
import bisect
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("model")
ap.add_argument("--target", default="cortex-m4")
ap.add_argument("--emlc", default=os.path.join(ROOT, "build", "bin", "emlc"))
ap.add_argument("--plugin", default=os.path.join(ROOT, "build", "lib", "libemlc-qemu-insn-count.so"))
ap.add_argument("--inline", action="store_true", help="keep gcc's inlining (kernels may merge into the caller)")
ap.add_argument("--kernels", action="store_true", help="--inline, but every kernel model_run calls kept a function")
ap.add_argument("--top", type=int, default=25)
ap.add_argument("--blocks", type=int, default=0, help="also list the N hottest translated blocks (address, count)")
ap.add_argument("--disasm", help="write the program's disassembly here (to read the hot blocks)")
ap.add_argument("rest", nargs="*")
a = ap.parse_args()
t = json.load(open(os.path.join(ROOT, "targets", a.target, "target.json")))
tc = t["toolchain"]
emu = t.get("emulator") or t["instruction_counter"]  # a host target: its user-mode QEMU
host = "emulator" not in t
binutil = (lambda tool: tc["cc"].replace("gcc", tool)) if "gcc" in tc["cc"] else (lambda tool: tool)
with tempfile.TemporaryDirectory() as d:
    subprocess.run([a.emlc, "verify", a.model, "--target", a.target, "--keep", d, *a.rest], check=True,
                   stdout=subprocess.DEVNULL)
    elf = os.path.join(d, "prof.elf")
    extra = [] if a.inline or a.kernels else ["-fno-inline", "-fno-inline-small-functions"]
    if a.kernels:  # noinline on the kernels model_run calls (one macro defines several: its template too)
        model_c = os.path.join(d, "model.c")
        src = open(model_c).read()
        for k in set(re.findall(r"\b(emlc_\w+)\(", src[src.index("model_run("):])):
            src = src.replace(f"static void {k}(", f"static __attribute__((noinline)) void {k}(")
        src = src.replace("static void emlc_##", "static __attribute__((noinline)) void emlc_##")
        with open(model_c, "w") as f:
            f.write(src)
    subprocess.run([tc["cc"], *tc["cflags"], *extra, "-DEMLC_RUNS=1", "-I", d,
                    os.path.join(d, "main.c"), os.path.join(d, "model.c"), os.path.join(d, "model_weights.c"),
                    "-o", elf, *tc["ldflags"], "-lm", *(["-static", "-no-pie"] if host else [])], check=True)
    prof = os.path.join(d, "prof.txt")
    plugin = ["-plugin", f"{a.plugin},profile={prof}"]  # qemu-user takes its options before the program
    subprocess.run([emu["binary"], *plugin, *emu["args"], elf] if host else
                   [emu["binary"], *emu["args"], elf, *plugin], capture_output=True, timeout=600)
    syms = []
    for line in subprocess.run([binutil("nm"), "-n", elf], capture_output=True,
                               text=True).stdout.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in "tTwW":
            syms.append((int(p[0], 16) & ~1, p[2]))
    addrs = [s[0] for s in syms]
    per, blocks = collections.Counter(), collections.Counter()
    for line in open(prof):
        addr, n = (int(v, 0) for v in line.split())
        i = bisect.bisect_right(addrs, addr) - 1
        name, start = syms[i][::-1] if i >= 0 else ("?", 0)
        per[name] += n
        blocks[(addr, name, addr - start)] += n
    if a.disasm:
        with open(a.disasm, "w") as f:
            f.write(subprocess.run([binutil("objdump"), "-d", "--no-show-raw-insn", elf],
                                   capture_output=True, text=True).stdout)
    total = sum(per.values())
    print(f"{'function':40s} {'instructions':>14s} {'share':>7s}")
    for name, n in per.most_common(a.top):
        print(f"{name:40s} {n:14,d} {100.0 * n / total:6.1f}%")
    print(f"{'total':40s} {total:14,d}")
    for (addr, name, off), n in blocks.most_common(a.blocks):
        print(f"  block 0x{addr:x} {name}+0x{off:x}: {n:,d}")
