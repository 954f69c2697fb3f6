#!/usr/bin/python3
"""The tree is clang-formatted: clang-format-19 --dry-run -Werror over every
C and C++ source (.clang-format; .clang-format-ignore keeps the kernel C,
which is emitted verbatim, as it is). With --fix, formats them instead.
Exit 77 when clang-format-19 is not installed (scripts/install-deps.sh installs it)."""
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIRS = ["include", "lib", "dialects", "targets", "tools", "test", "examples", "bench"]


def main():
    tool = shutil.which("clang-format-19")
    if not tool:
        print("SKIP: clang-format-19 not installed")
        return 77
    files = []
    for d in DIRS:
        for dp, dirs, fs in os.walk(os.path.join(ROOT, d)):
            dirs[:] = [x for x in dirs if x != "kernels" or not os.path.relpath(dp, ROOT).startswith("targets")]
            files += [os.path.join(dp, f) for f in sorted(fs) if f.endswith((".cpp", ".h", ".c"))]
    fix = "--fix" in sys.argv[1:]
    r = subprocess.run([tool, "-i" if fix else "--dry-run", *([] if fix else ["-Werror"]), *files],
                       capture_output=True, text=True, cwd=ROOT)
    bad = sorted({l.split(":")[0] for l in r.stderr.splitlines() if "clang-format-violations" in l})
    for f in bad:
        print("not formatted: " + os.path.relpath(f, ROOT))
    print(f"{len(files)} files checked with {os.path.basename(tool)}, {len(bad)} not formatted")
    print(f"{0 if bad or r.returncode else 1} passed, {1 if bad or r.returncode else 0} failed")
    return 1 if bad or r.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
