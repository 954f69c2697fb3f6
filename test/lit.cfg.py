# lit configuration of emlc's regression tests (FileCheck-based).
import os

import lit.formats

config.name = "emlc"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.emlc_obj_root, "test")
config.excludes = ["Inputs", "unit", "e2e", "conformance", "kernels", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]

config.environment["PATH"] = os.pathsep.join(
    [config.emlc_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ.get("PATH", ""))])
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Importer", "Inputs")))
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%cc", "gcc -std=c99 -Wall -Wextra -pedantic -Werror"))
