//===- emlc-translate.cpp - kernel-level IR -> C, outside emlc compile --------===//
//
// `emlc-translate --emit-c` prints the C files of a planned kernel-level module
// (what `emlc-opt --emlc-compile-pipeline` produces), each after a line
// `//--- NAME`, the separator `split-file` understands:
//
//   emlc compile m.onnx --emit=onnx | emlc-opt --emlc-compile-pipeline="target=cortex-m4" |
//     emlc-translate --emit-c --emit-c-name=net --emit-c-source=m.onnx > net.txt
//   split-file net.txt out/
//
//===----------------------------------------------------------------------===//

#include "emlc/Emit/CEmitter.h"
#include "emlc/Pipeline/Pipeline.h"
#include "emlc/Support/ToolMain.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;

static llvm::cl::opt<std::string> cName("emit-c-name", llvm::cl::desc("C prefix of the emitted API (as --name)"),
                                        llvm::cl::init("model"));
static llvm::cl::opt<std::string> sourceName("emit-c-source",
                                             llvm::cl::desc("model file name shown in the files' header comment"));

static LogicalResult emitCFiles(Operation *op, llvm::raw_ostream &os) {
  auto module = llvm::dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError("emit-c needs a builtin.module");
  emlc::EmitOptions options;
  options.name = cName;
  options.sourceName = sourceName;
  emlc::EmittedFiles files;
  std::string error;
  if (!emlc::emitC(module, options, files, error))
    return module.emitError(error);
  for (const auto &[name, text] : files)
    os << "//--- " << name << "\n" << text;
  return success();
}

int main(int argc, char **argv) {
  TranslateFromMLIRRegistration emitC("emit-c", "planned kernel-level module -> C files (split-file format)",
                                      emitCFiles,
                                      [](DialectRegistry &registry) { emlc::registerEmlcDialects(registry); });
  return emlc::runToolMain("emlc-translate",
                           [&] { return failed(mlirTranslateMain(argc, argv, "emlc translation driver\n")) ? 1 : 0; });
}
