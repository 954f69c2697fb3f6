"""targets/<name>/target.json for the Python tools (no dependencies): the
description, whether this machine can run a host target's code, and its C
flags for builds that choose their own optimization level."""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(name):
    with open(os.path.join(ROOT, "targets", name, "target.json")) as f:
        return json.load(f)


def host_lacks(desc):
    """The vector extensions a host target (no emulator) needs that this CPU
    does not have; [] for emulated targets."""
    if "emulator" in desc:
        return []
    with open("/proc/cpuinfo") as f:
        flags = f.read().split()
    return [x for x in ("sse4_1", "avx2", "fma") if desc["isa"].get(x) and x not in flags]


def cflags_without_opt(desc):
    """The target's compiler flags minus -O* (the caller picks the level)."""
    return [x for x in desc["toolchain"]["cflags"] if not x.startswith("-O")]
