//===- Prune.h - emlc prune: a float model in, a smaller ONNX model out -*- C++ -*-===//
//
// The library side of `emlc prune`: import, the onnx -> nn pipeline (so
// BatchNorm is folded and activations fused, as a compile sees the model),
// the pruning transform, then ONNX export (lib/Export). Without a transform
// it writes the un-pruned nn graph: a canonicalized, BatchNorm-folded copy of
// the model, with the same inputs, outputs and opset.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_PIPELINE_PRUNE_H
#define EMLC_PIPELINE_PRUNE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace emlc {

struct PruneOptions {
  std::string modelPath;
  std::string outputPath; ///< the .onnx to write
  std::map<std::string, std::vector<int64_t>> inputShapes;
  std::map<std::string, std::string> inputValues; ///< see ImportOptions::inputValues
  std::string producerVersion;                    ///< written as the model's producer_version
  /// The pruning step: runs on the float nn module (buildONNXToNNPipeline's
  /// output) before the export; reports failure through diagnostics on the
  /// module's ops. Empty: the model is exported unchanged. (The structured
  /// pruning pass plugs in here.)
  std::function<mlir::LogicalResult(mlir::ModuleOp)> transform;
};

struct PruneResult {
  bool ok = false;
  std::string error; ///< one or more "error: ..." lines
  std::vector<std::string> warnings;
  int64_t opset = 0;
  int64_t parametersBefore = 0; ///< float weights of the nn module before the transform
  int64_t parameters = 0;       ///< float weights written
  int64_t nodes = 0, bytes = 0; ///< nodes and file size of the written model
};

PruneResult pruneModel(const PruneOptions &options);

} // namespace emlc

#endif
