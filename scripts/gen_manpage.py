"""Writes emlc(1) from the tool's own --help texts (emlc --help and each command's), so the man page never
disagrees with the binary. Usage: gen_manpage.py EMLC OUT.1 (run by the build; installed to share/man/man1)."""
import re
import subprocess
import sys

emlc, out = sys.argv[1], sys.argv[2]


def help_of(*args):
    return subprocess.run([emlc, *args, "--help"], capture_output=True, text=True, check=True).stdout


def roff(text):
    """Plain text as literal roff: backslashes and leading dots/quotes escaped."""
    lines = []
    for line in text.rstrip().splitlines():
        line = line.replace("\\", "\\e")
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


top = help_of()
commands = re.findall(r"^  ([a-z]+)\s{2,}", top.split("Subcommands:")[1], re.M)
version = subprocess.run([emlc, "--version"], capture_output=True, text=True, check=True).stdout.split("\n")[0]
page = [
    f'.TH EMLC 1 "" "{version}" "emlc manual"',
    ".SH NAME",
    "emlc \\- ahead-of-time compiler from ONNX models to self-contained C for microcontrollers",
    ".SH SYNOPSIS",
    ".B emlc",
    "[\\fB\\-\\-color\\fR \\fIWHEN\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] \\fIMODEL.onnx\\fR",
    ".SH DESCRIPTION",
    ".nf",
    roff(top),
    ".fi",
]
for c in commands:
    page += [f".SH emlc {c}", ".nf", roff(help_of(c)), ".fi"]
page += [
    ".SH FILES",
    "<prefix>/lib/cmake/emlc: the CMake package (find_package(emlc) gives emlc_add_model()) and toolchains/",
    ".br",
    "<prefix>/lib/libemlc-qemu-insn-count.so: the QEMU plugin emlc verify counts instructions with",
    ".SH SEE ALSO",
    "The README and docs/ of the emlc source tree.",
]
with open(out, "w") as f:
    f.write("\n".join(page) + "\n")
