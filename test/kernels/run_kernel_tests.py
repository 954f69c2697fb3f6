#!/usr/bin/python3
"""Builds a kernel test (test/kernels/<SUITE>_kernels_test.c, int8 by default)
for a target (compiler and flags from targets/<T>/target.json) and runs it on
the host or under the target's QEMU machine. Exit 0 when every optimized
kernel matches the portable one; 77 (skip) when the target's toolchain is not
installed or the host lacks the target's instruction set.

usage: run_kernel_tests.py TARGET [SUITE]"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
target = sys.argv[1] if len(sys.argv) > 1 else "generic"
suite = sys.argv[2] if len(sys.argv) > 2 else "int8"
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
import target_desc  # noqa: E402

t = target_desc.load(target)
tc, emu = t["toolchain"], t.get("emulator")
tools = [tc["cc"]] + ([emu["binary"]] if emu else [])
if not all(shutil.which(x) for x in tools):
    print(f"SKIP: {', '.join(tools)} not all installed (scripts/install-deps.sh installs them)")
    sys.exit(77)
if target_desc.host_lacks(t):  # a host target runs here: the CPU needs its extensions
    print(f"SKIP: this CPU has no {', '.join(target_desc.host_lacks(t))}")
    sys.exit(77)
with tempfile.TemporaryDirectory() as d:
    exe = os.path.join(d, "kt")
    # On the host, under AddressSanitizer: the tests put inputs at the end of their arrays, so a kernel
    # reading past a tensor is caught (gcc's libasan comes with it).
    sanitize = ["-fsanitize=address", "-fno-omit-frame-pointer"] if not emu else []
    # Every folder's kernels on every core: the DSP/Helium kernels' plain-C stand-ins too (an emitted module
    # refuses to build on an Arm core without the extension unless EMLC_PORTABLE_FALLBACK is defined).
    subprocess.run([tc["cc"], *tc["cflags"], *sanitize, "-std=c99", "-DEMLC_PORTABLE_FALLBACK", "-Wall", "-Wextra",
                    "-Wno-unused-function", "-Werror", os.path.join(HERE, f"{suite}_kernels_test.c"), "-o", exe,
                    *tc["ldflags"], "-lm"],
                   check=True)
    cmd = ([emu["binary"], *emu["args"], exe] if emu else [exe])
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    out = (r.stdout + r.stderr).strip()
    # every line: the lowbit test prints the cases run per kernel before its summary
    for line in out.splitlines() or ["(no output)"]:
        print(f"{target}: {line}")
    sys.exit(0 if r.returncode == 0 and "0 mismatches" in out else 1)
