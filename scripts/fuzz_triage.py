#!/usr/bin/python3
"""Groups emlc-fuzz's crash artifacts by cause: reruns each under the fuzz target
and keys it by the sanitizer's summary and the first frames in emlc's own code
(tools/, lib/, dialects/, targets/ functions; MLIR, LLVM and libc frames are
skipped). Prints one line per class with its count, the smallest reproducer and
the frames.

  fuzz_triage.py build-fuzz/bin/emlc-fuzz build-fuzz/artifacts [--frames 3]"""
import argparse
import collections
import os
import re
import subprocess
import sys

FRAME = re.compile(r"#\d+ 0x[0-9a-f]+ in (.+?) (\S+?)(?::\d+)*(?: \(|$)")
SKIP = ("__sanitizer", "__asan", "__ubsan", "__interceptor", "fuzzer::", "LLVMFuzzer", "std::", "__gnu_cxx",
        "operator new", "operator delete", "abort", "raise", "__libc", "malloc", "calloc", "realloc", "free")


def classify(binary, path, nframes):
    try:
        env = dict(os.environ, UBSAN_OPTIONS="print_stacktrace=1", ASAN_OPTIONS="allow_user_poisoning=0")
        r = subprocess.run([binary, "-timeout=10", "-rss_limit_mb=2048", path], capture_output=True, text=True,
                           timeout=120, env=env)
    except subprocess.TimeoutExpired:
        return "hang (over 120 s)", ()
    out = r.stderr
    summary = ""
    for line in out.splitlines():
        if line.startswith("SUMMARY:"):
            summary = re.sub(r"\S+\.(cpp|h|c):\d+(:\d+)?", "", line[len("SUMMARY: "):]).strip()
            summary = re.sub(r" in .*", "", summary)
            break
        if "runtime error:" in line and not summary:
            summary = "UBSan: " + re.sub(r"0x[0-9a-f]+|-?\d+", "N", line.split("runtime error:", 1)[1].strip())
        if line.startswith("terminate called after throwing") and not summary:
            summary = "uncaught " + line.split("instance of", 1)[-1].strip()
        if line.strip().startswith("what():") and summary.startswith("uncaught") and "what" not in summary:
            summary += " what: " + re.sub(r"\d+", "N", line.strip()[len("what():"):].strip())[:80]
        if "ERROR: libFuzzer:" in line and not summary:
            summary = line.split("ERROR: libFuzzer:", 1)[1].strip()
    frames = []
    for line in out.splitlines():
        m = FRAME.search(line.strip())
        if not m:
            continue
        fn = m.group(1)
        # emlc's own frames only: not the runtimes', libc's, libstdc++'s, MLIR's or protobuf's.
        if fn.startswith(SKIP) or "(/lib/" in line or "(/usr/lib/" in line or "/sysdeps/" in line or "nptl/" in line:
            continue
        frames.append(re.sub(r"\(.*\)$", "", fn)[:120])
        if len(frames) == nframes:
            break
    if r.returncode == 0:
        return "no longer crashes", ()
    return summary or f"exit {r.returncode}", tuple(frames)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("artifacts")
    ap.add_argument("--frames", type=int, default=3)
    args = ap.parse_args()
    groups = collections.defaultdict(list)
    for f in sorted(os.listdir(args.artifacts)):
        if re.match(r"(crash|timeout|oom|leak)-", f):
            p = os.path.join(args.artifacts, f)
            groups[classify(args.binary, p, args.frames)].append(p)
    for (summary, frames), paths in sorted(groups.items(), key=lambda g: -len(g[1])):
        smallest = min(paths, key=os.path.getsize)
        print(f"{len(paths):3d} x {summary}\n      smallest: {smallest} ({os.path.getsize(smallest)} bytes)")
        for fr in frames:
            print(f"      at {fr}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
