#!/usr/bin/python3
"""Runs the malformed-model suite (gen_malformed.py) through `emlc compile`.

A case fails on a crash (killed by a signal, or a sanitizer/abort exit), a hang
(more than --timeout seconds), exit 0 on an invalid model, another exit code than
expected, or an error message that lacks one of its words or is not one
`emlc: error:` line. Prints a table and `N passed, N failed`.

    run_malformed.py EMLC WORK_DIR [--timeout 10] [-k SUBSTRING]
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def check(case, proc, elapsed, timeout):
    """The reason the case failed, or ''."""
    if proc is None:
        return f"HANG (> {timeout} s)"
    rc = proc.returncode
    if rc < 0:
        return f"CRASH (signal {-rc})"
    if rc not in (0, 1, 2):
        return f"CRASH (exit {rc})"
    err = proc.stderr.decode(errors="replace")
    if case["code"] == 0:
        return "" if rc == 0 else f"valid model refused (exit {rc}): {err.strip()[:200]}"
    if rc == 0:
        return "invalid model accepted (exit 0)"
    if rc != case["code"]:
        return f"exit {rc}, expected {case['code']}"
    errors = [ln for ln in err.splitlines() if ln.startswith("emlc: error:")]
    if len(errors) != 1:
        return f"{len(errors)} 'emlc: error:' lines"
    missing = [w for w in case["words"] if w.lower() not in errors[0].lower()]
    return f"message lacks {missing}" if missing else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emlc")
    ap.add_argument("work")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("-k", default="", help="run only the cases whose name contains this")
    a = ap.parse_args()
    subprocess.run([sys.executable, os.path.join(HERE, "gen_malformed.py"), a.work], check=True)
    with open(os.path.join(a.work, "cases.json")) as f:
        cases = [c for c in json.load(f) if a.k in c["name"]]
    passed = failed = crashes = hangs = accepted = 0
    rows = []
    for c in cases:
        out = os.path.join(a.work, c["name"] + ".out")
        cmd = [a.emlc, "compile", c["path"], "-o", out] + c["args"]
        t0 = time.monotonic()
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=a.timeout)
        except subprocess.TimeoutExpired:
            proc = None
        elapsed = time.monotonic() - t0
        why = check(c, proc, elapsed, a.timeout)
        crashes += why.startswith("CRASH")
        hangs += why.startswith("HANG")
        accepted += why.startswith("invalid model accepted")
        msg = "" if proc is None else next(
            (ln for ln in proc.stderr.decode(errors="replace").splitlines() if ln.startswith("emlc: error:")), "")
        rows.append((c["name"], "ok" if not why else "FAIL", proc.returncode if proc else "-", f"{elapsed:.2f}",
                     why or msg[len("emlc: error: "):]))
        passed += not why
        failed += bool(why)
    w = max(len(r[0]) for r in rows) if rows else 4
    print(f"{'case':<{w}}  result  exit  secs   message / reason")
    for name, res, rc, secs, text in rows:
        print(f"{name:<{w}}  {res:<6}  {rc!s:>4}  {secs:>5}  {text[:150]}")
    invalid = sum(c["code"] != 0 for c in cases)
    print(f"\n{len(cases)} cases ({invalid} invalid, {len(cases) - invalid} valid): "
          f"{crashes} crashes, {hangs} hangs, {accepted} invalid accepted with exit 0")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
