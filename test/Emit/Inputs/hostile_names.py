"""Compiles a model whose tensor names try to inject C, then checks that the emitted C means what emlc meant.

Each input x_k goes through its own Relu to output y_k; the names carry comment terminators, newlines,
preprocessor lines, backslash line splices, trigraphs, non-ASCII, CR and NUL, C keywords, names of the
headers' macros and types, the API's own names, and pairs that sanitize alike. The script writes the model,
runs emlc, compiles the files with -Werror (-Wtrigraphs, -Wcomment), links them with a driver that calls
NAME_infer and checks every output against relu(input), and checks the exported symbols and macros are
exactly the API's: an injected declaration, #define or #error cannot pass all three.

usage: hostile_names.py EMLC WORKDIR
"""
import os
import re
import subprocess
import sys

import onnx
from onnx import TensorProto, helper

HOSTILE = [
    "a*/ int injected_decl; /*",
    "*/\n#error injected\n/*",
    "b\\\nint injected_splice;",
    "c??/\nint injected_trigraph;",
    "??=define INJECTED 1",
    "d\r\n#define INJECTED 2",
    "e\x00*/ int injected_nul; /*",
    "f\u00e9\u2028*/",
    "/* nested",
    "\"quoted\" \\",
    "int",
    "uint8_t",
    "NAN",
    "INT8_MAX",
    "NULL",
    "__reserved",
    "_Upper",
    "net_run",
    "net_infer",
    "net_ARENA_SIZE",
    "emlc_relu_f32",
    "g h",
    "g_h",
    "g_h_2",
    "9lives",
]


def main():
    emlc, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    n = len(HOSTILE)
    # Inputs carry the hostile names, outputs the same names with "out " in front (also hostile).
    ins = [helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, 2]) for name in HOSTILE]
    outs = [helper.make_tensor_value_info("out " + name, TensorProto.FLOAT, [1, 2]) for name in HOSTILE]
    nodes = [helper.make_node("Relu", [HOSTILE[k]], ["out " + HOSTILE[k]], name=HOSTILE[k]) for k in range(n)]
    model = helper.make_model(helper.make_graph(nodes, "hostile */ #error", ins, outs),
                              opset_imports=[helper.make_opsetid("", 13)])
    model.doc_string = "*/ #error doc"
    path = os.path.join(work, "hostile.onnx")
    onnx.save(model, path)
    out = os.path.join(work, "c")
    subprocess.run([emlc, "compile", path, "-o", out, "--name", "net"], check=True, stdout=subprocess.DEVNULL)

    cc = ["gcc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-Wtrigraphs", "-Wcomment", "-I", out]
    # The driver fills input k with (k+1) * {-1, 1} and expects relu of it in output k.
    driver = os.path.join(work, "driver.c")
    with open(driver, "w") as f:
        f.write('#include "net.h"\n#include <stdio.h>\nint main(void) {\n')
        f.write("  static float in[%d][2], out[%d][2];\n  const void *ins[%d];\n  void *outs[%d];\n" % (n, n, n, n))
        f.write("  for (int k = 0; k < %d; ++k) {\n" % n)
        f.write("    in[k][0] = -(k + 1); in[k][1] = k + 1; out[k][0] = out[k][1] = -99;\n")
        f.write("    ins[k] = in[k]; outs[k] = out[k];\n  }\n")
        args = ", ".join(["in[%d]" % k for k in range(n)] + ["out[%d]" % k for k in range(n)])
        f.write("  if (net_infer(%s) != 0) return 1;\n" % args)
        f.write("  for (int k = 0; k < %d; ++k)\n" % n)
        f.write("    if (out[k][0] != 0 || out[k][1] != k + 1) { printf(\"output %d wrong\\n\", k); return 1; }\n")
        f.write("  if (net_run(ins, outs) != 0) return 1;\n")
        f.write('  printf("ok %d\\n", net_NUM_OUTPUTS);\n  return 0;\n}\n')
    exe = os.path.join(work, "driver")
    subprocess.run(cc + [driver, os.path.join(out, "net.c"), os.path.join(out, "net_weights.c"), "-lm", "-o", exe],
                   check=True)
    run = subprocess.run([exe], check=True, capture_output=True, text=True)
    assert run.stdout == "ok %d\n" % n, run.stdout

    # Exported symbols: exactly the API (an injected definition would add one).
    objs = []
    for src in ("net.c", "net_weights.c"):
        obj = os.path.join(work, src + ".o")
        subprocess.run(cc + ["-c", os.path.join(out, src), "-o", obj], check=True)
        objs.append(obj)
    nm = subprocess.run(["nm", "-g", "--defined-only"] + objs, check=True, capture_output=True, text=True).stdout
    symbols = sorted(set(line.split()[-1] for line in nm.splitlines() if re.match(r"^[0-9a-f]+ [A-Z] ", line)))
    assert symbols == ["net_infer", "net_run"], symbols

    # Macros the header defines: exactly the API's.
    macros = subprocess.run(["gcc", "-std=c99", "-E", "-dM", "-x", "c", os.path.join(out, "net.h")], check=True,
                            capture_output=True, text=True).stdout
    base = subprocess.run(["gcc", "-std=c99", "-E", "-dM", "-x", "c", "-"], input="#include <stdint.h>\n",
                          check=True, capture_output=True, text=True).stdout
    added = sorted(set(re.findall(r"#define (\w+)", macros)) - set(re.findall(r"#define (\w+)", base)))
    expected = ["NET_H_", "net_ARENA_SIZE", "net_NUM_INPUTS", "net_NUM_OUTPUTS", "net_WEIGHTS_SIZE"]
    expected += ["net_INPUT_%d_COUNT" % k for k in range(n)] + ["net_OUTPUT_%d_COUNT" % k for k in range(n)]
    assert added == sorted(expected), sorted(set(added) ^ set(expected))

    # Every name still appears in the header's comments, escaped: a reader sees which tensor is which.
    header = open(os.path.join(out, "net.h")).read()
    for marker in ("a*\\/ int injected_decl; /\\*", "c?\\?/\\nint injected_trigraph;", "e\\x00*\\/", "f\\xc3\\xa9"):
        assert marker in header, marker
    params = re.search(r"int net_infer\((.*)\);", header).group(1)
    print("params:", params)
    print("hostile names: ok (%d inputs, %d outputs)" % (n, n))


if __name__ == "__main__":
    main()
