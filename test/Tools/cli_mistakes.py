"""The mistakes users make on emlc's command line, each with the exit code and the words its message must
contain, and a hint of what to do next (a did-you-mean, where the names are listed, an example, or the
--help to read). Exit codes: 1 a bad input file or a failed compile, 2 a wrong command line.

Usage: cli_mistakes.py EMLC INPUTS_DIR WORK_DIR. Prints a line per case and "N passed, N failed"."""
import os
import subprocess
import sys

emlc, inputs, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
model = os.path.join(inputs, "tiny_cnn.onnx")
out = os.path.join(work, "out")
folder = os.path.join(work, "model-folder")
os.makedirs(folder, exist_ok=True)
with open(os.path.join(folder, "model.onnx"), "wb") as f:
    f.write(open(model, "rb").read())
empty = os.path.join(work, "empty.onnx")
open(empty, "wb").close()

# Words that tell the user what to do next; every message has at least one.
HINTS = ["again", "did you mean", "lists them", "--help", "e.g.", "for example", "check the path", "give ", "use ",
         "needs ", "(inputs:"]

CASES = [
    # (what, arguments, exit code, words the message contains)
    ("misspelt command", ["compil", model], 2, ["unknown command 'compil'", "did you mean 'compile'"]),
    ("unknown command", ["build", model], 2, ["unknown command 'build'", "commands: compile"]),
    ("no command", [], 2, ["a command is required", "e.g. emlc compile"]),
    ("misspelt option", ["compile", model, "-o", out, "--tagret", "cortex-m4"], 2,
     ["unknown option '--tagret'", "did you mean '--target'"]),
    ("misspelt option with =", ["compile", model, "-o", out, "--qunatize=int8"], 2,
     ["unknown option '--qunatize'", "did you mean '--quantize'"]),
    ("option of another command", ["inspect", model, "--quantize=int8"], 2,
     ["unknown option '--quantize' for emlc inspect", "emlc inspect --help"]),
    ("misspelt required option", ["fit", model, "--devce", "nrf52840", "-o", out], 2,
     ["unknown option '--devce'", "did you mean '--device'"]),
    ("target with a suffix", ["compile", model, "-o", out, "--target", "cortex-m4f"], 2,
     ["unknown target 'cortex-m4f'", "did you mean 'cortex-m4'"]),
    ("unknown target in verify", ["verify", model, "--target", "z80"], 2, ["unknown target 'z80'", "emlc targets"]),
    ("unknown target in inspect", ["inspect", model, "--target", "cortexm55"], 2,
     ["unknown target 'cortexm55'", "did you mean 'cortex-m55'"]),
    ("unknown target in prune", ["prune", model, "-o", out + ".onnx", "--target", "riscv32"], 2,
     ["unknown target 'riscv32'"]),
    ("truncated device name", ["compile", model, "-o", out, "--device", "nucleo-f446"], 2,
     ["unknown device 'nucleo-f446'", "did you mean 'nucleo-f446re'"]),
    ("unknown device in fit", ["fit", model, "--device", "arduino-uno", "-o", out], 2,
     ["unknown device 'arduino-uno'", "emlc devices"]),
    ("value not in the list", ["compile", model, "-o", out, "--optimize", "fast"], 2,
     ["--optimize: fast not in {speed,size}", "emlc compile --help"]),
    ("bad byte count", ["compile", model, "-o", out, "--ram-limit", "12Q"], 2,
     ["--ram-limit '12Q' is not a byte count", "for example 65536, 64K"]),
    ("shape without =", ["compile", model, "-o", out, "--shape", "1x3x8x8"], 2,
     ["--shape '1x3x8x8' is not NAME=DIMS", "for example"]),
    ("shape of no input", ["compile", model, "-o", out, "--shape", "image=1x3x8x8"], 1,
     ["--shape names 'image', which is not a graph input", "(inputs:"]),
    ("name not a C identifier", ["compile", model, "-o", out, "--name", "3net"], 2,
     ["--name '3net' is not a C identifier"]),
    ("quantize without calibration", ["compile", model, "-o", out, "--quantize=int8"], 2,
     ["--quantize=int8 needs --calibration PATH"]),
    ("compile without -o", ["compile", model], 2, ["compile needs -o OUTDIR"]),
    ("missing model", ["compile", os.path.join(work, "nope.onnx"), "-o", out], 1,
     ["cannot open", "nope.onnx", "no such file"]),
    ("missing model in verify", ["verify", os.path.join(work, "nope.onnx")], 1, ["cannot open", "no such file"]),
    ("a folder for the model", ["compile", folder, "-o", out], 1,
     ["is a folder, not a model file", "did you mean", "model-folder/model.onnx"]),
    ("an empty file", ["compile", empty, "-o", out], 1, ["is empty (0 bytes)", "export or download"]),
    ("missing model argument", ["compile"], 2, ["model is required", "emlc compile --help"]),
    ("extra argument", ["compile", model, "second.onnx", "-o", out], 2,
     ["not expected: second.onnx", "emlc compile --help"]),
    ("latency limit without device", ["compile", model, "-o", out, "--latency-limit", "5"], 2,
     ["--latency-limit needs --device (its clock) and --prune=auto or --precision=auto"]),
    ("unknown shell", ["completion", "fish"], 2, ["fish not in {bash}", "emlc completion --help"]),
]

passed = failed = 0
for what, args, code, words in CASES:
    try:
        p = subprocess.run([emlc, "--color=never"] + args, capture_output=True, text=True, timeout=60)
        text, rc = p.stderr, p.returncode
    except subprocess.TimeoutExpired:
        text, rc = "(timed out)", None
    problems = []
    if rc != code:
        problems.append(f"exit {rc}, expected {code}")
    problems += [f"no '{w}'" for w in words if w not in text]
    if not any(h in text for h in HINTS):
        problems.append("no hint of what to do next")
    if text.count("\n") > 3:
        problems.append("more than three lines")
    if problems:
        failed += 1
        print(f"FAIL {what}: {'; '.join(problems)}\n     emlc {' '.join(args)}\n     {text.strip()}")
    else:
        passed += 1
        print(f"ok   {what}: exit {rc}: {text.strip().splitlines()[0]}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
