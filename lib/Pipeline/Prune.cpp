//===- Prune.cpp - emlc prune: import, nn pipeline, transform, ONNX export ------===//

#include "emlc/Pipeline/Prune.h"
#include "Diagnostics.h"
#include "emlc/Conversion/Passes.h"
#include "emlc/Export/ONNXExport.h"
#include "emlc/Importer/Importer.h"
#include "emlc/Pipeline/Pipeline.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/Pass/PassManager.h"
#include <cerrno>
#include <cstring>
#include <fstream>

using namespace mlir;

namespace emlc {

/// The first op of `module` on quantized values, or null: prune takes float models.
static Operation *firstQuantizedOp(ModuleOp module) {
  auto quantized = [](Type t) {
    auto s = llvm::dyn_cast<ShapedType>(t);
    return s && llvm::isa<quant::QuantizedType>(s.getElementType());
  };
  Operation *found = nullptr;
  module.walk([&](Operation *op) {
    if (found)
      return WalkResult::interrupt();
    if (llvm::any_of(op->getResultTypes(), quantized) || llvm::any_of(op->getOperandTypes(), quantized))
      found = op;
    return found ? WalkResult::interrupt() : WalkResult::advance();
  });
  return found;
}

static int64_t floatParameters(ModuleOp module) {
  int64_t n = 0;
  module.walk([&](arith::ConstantOp c) {
    auto t = llvm::dyn_cast<ShapedType>(c.getType());
    if (t && t.getElementType().isF32() && !c->use_empty())
      n += t.getNumElements();
  });
  return n;
}

static bool writeFile(const std::string &path, const std::string &bytes, std::string &error) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (f)
    f.write(bytes.data(), (std::streamsize)bytes.size());
  if (f)
    f.close();
  if (!f) {
    error = "error: cannot write '" + path + "': " + std::strerror(errno) + "\n";
    return false;
  }
  return true;
}

PruneModelResult pruneModel(const PruneModelOptions &opts) {
  PruneModelResult r;
  MLIRContext ctx;
  setupContext(ctx);
  DiagnosticCollector diags(ctx);
  if (std::string tooLarge; !checkModelLimits(opts.modelPath, opts.limits, tooLarge)) {
    r.error = "error: " + tooLarge + "\n";
    return r;
  }
  ImportOptions io;
  io.inputShapes = opts.inputShapes;
  io.inputValues = opts.inputValues;
  ImportResult imp = importONNXFile(opts.modelPath, ctx, io);
  r.warnings = imp.warnings;
  r.opset = imp.opset;
  if (!imp.module) {
    r.error = "error: " + imp.error + "\n";
    return r;
  }
  ModuleOp module = *imp.module;
  PassManager pm(&ctx);
  pm.addPass(createSetTarget({opts.target}));
  buildONNXToNNPipeline(pm);
  bool lowered = succeeded(pm.run(module));
  r.warnings.insert(r.warnings.end(), diags.warnings.begin(), diags.warnings.end());
  if (!lowered) {
    r.error = diags.errors.empty() ? "error: lowering to the nn dialect failed\n" : diags.text();
    return r;
  }
  if (Operation *q = firstQuantizedOp(module)) {
    std::string where;
    if (auto n = llvm::dyn_cast<NameLoc>(q->getLoc()))
      where = " (node '" + n.getName().str() + "' is quantized)";
    r.error =
        "error: emlc prune takes a float model; quantize after pruning with emlc compile --quantize" + where + "\n";
    return r;
  }
  r.parametersBefore = floatParameters(module);
  if (!opts.pruning.prune.empty()) {
    PassManager ppm(&ctx);
    ppm.addPass(createPrune(opts.pruning, opts.progress));
    if (failed(ppm.run(module))) {
      r.error = diags.errors.empty() ? "error: pruning failed\n" : diags.text("--prune=" + opts.pruning.prune + ": ");
      return r;
    }
    r.summary = pruningSummary(module);
  }
  if (opts.inspect)
    opts.inspect(module);
  ExportOptions eo;
  eo.producerVersion = opts.producerVersion;
  ExportStats stats;
  std::string bytes;
  if (failed(exportONNX(module, eo, bytes, &stats))) {
    r.error = diags.errors.empty() ? "error: ONNX export failed\n" : diags.text();
    return r;
  }
  if (!writeFile(opts.outputPath, bytes, r.error))
    return r;
  r.parameters = stats.parameters;
  r.nodes = stats.nodes;
  r.bytes = (int64_t)bytes.size();
  r.ok = true;
  return r;
}

} // namespace emlc
