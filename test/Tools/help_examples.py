"""Checks that every option of every emlc subcommand's --help has an example:
its description says "e.g." or shows the option in use. Usage: help_examples.py EMLC"""
import re
import subprocess
import sys

emlc = sys.argv[1]
bad = []
for sub in ["compile", "inspect", "verify", "prune", "fit", "targets", "devices", "completion"]:
    text = subprocess.run([emlc, sub, "--help"], capture_output=True, text=True, check=True).stdout
    blocks, cur = [], None
    for line in text.splitlines():
        m = re.match(r"  (-\S*?--?([\w-]+))", line)
        if m:
            cur = [m.group(2), line]
            blocks.append(cur)
        elif cur and line.startswith(" " * 16):
            cur[1] += " " + line.strip()
        else:
            cur = None
    for name, desc in blocks:
        if name == "help":
            continue
        described = desc.split(None, 2)[-1]
        if "e.g." not in described and f"--{name} " not in described and f"--{name}=" not in described:
            bad.append(f"emlc {sub} --{name}: no example in '{described}'")
    print(f"{sub}: {len(blocks)} options")
print("\n".join(bad) if bad else "every option has an example")
sys.exit(1 if bad else 0)
