#!/usr/bin/python3
"""The reproducers the fuzzer found (test/fuzz/regressions/*.onnx, each named by
its class) through `emlc compile`: each must compile (exit 0) or be refused
cleanly (exit 1 with an "error:" line) within 10 s, never a signal or another
exit code. With --fuzz BINARY (the emlc-fuzz build) the fuzz target runs each
one too, under ASan, UBSan and LSan: what the plain build cannot see (a
use-after-free that happens to read the old value). Last line: 'N passed, N
failed'.

  check_regressions.py EMLC [--fuzz build-fuzz/bin/emlc-fuzz]"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
from emlc_testlib import sanitizer_report  # noqa: E402


def check_cli(emlc, path):
    """'' when emlc compiles the model or refuses it cleanly, else why not."""
    with tempfile.TemporaryDirectory() as out:
        try:
            r = subprocess.run([emlc, "compile", path, "-o", out], capture_output=True, text=True, timeout=10)
        except subprocess.TimeoutExpired:
            return "emlc compile ran over 10 s"
    if r.returncode == 0:
        return ""
    if r.returncode != 1:
        return f"emlc compile exited with {r.returncode}: {r.stderr.strip()[-300:]}"
    if "error:" not in r.stderr:
        return f"exit 1 without an error line: {r.stderr.strip()[-300:]}"
    return ""


def check_fuzz(binary, path):
    try:
        # allow_user_poisoning=0: see scripts/fuzz.sh (LLVM allocators' poisoning across instrumented and
        # uninstrumented code).
        env = dict(os.environ, ASAN_OPTIONS="allow_user_poisoning=0", UBSAN_OPTIONS="print_stacktrace=1")
        r = subprocess.run([binary, "-timeout=10", "-rss_limit_mb=2048", path], capture_output=True, text=True,
                           timeout=60, env=env)
    except subprocess.TimeoutExpired:
        return "emlc-fuzz ran over 60 s"
    if r.returncode != 0:
        return f"emlc-fuzz exited with {r.returncode}: {sanitizer_report(r.stderr) or r.stderr.strip()[-300:]}"
    return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc")
    ap.add_argument("--fuzz", default="", help="the emlc-fuzz binary, e.g. build-fuzz/bin/emlc-fuzz")
    args = ap.parse_args()
    folder = os.path.join(HERE, "regressions")
    files = sorted(f for f in os.listdir(folder) if f.endswith(".onnx"))
    passed = failed = 0
    for f in files:
        path = os.path.join(folder, f)
        why = check_cli(args.emlc, path)
        if not why and args.fuzz and os.path.exists(args.fuzz):
            why = check_fuzz(args.fuzz, path)
        print(f"{'ok  ' if not why else 'FAIL'} {f}{': ' + why if why else ''}")
        passed, failed = (passed + 1, failed) if not why else (passed, failed + 1)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main())
