//===- emlc-opt.cpp - every emlc dialect and pass, for lit tests --------------===//

#include "emlc/Pipeline/Pipeline.h"
#include "emlc/Support/ToolMain.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  emlc::registerEmlcDialects(registry);
  emlc::registerEmlcPassesAndPipelines();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  return emlc::runToolMain("emlc-opt", [&] {
    return mlir::asMainReturnCode(mlir::MlirOptMain(argc, argv, "emlc optimizer driver\n", registry));
  });
}
