//===- Prune.h - emlc prune: a float model in, a smaller ONNX model out -*- C++ -*-===//
//
// The library side of `emlc prune`: import, the onnx -> nn pipeline (so
// BatchNorm is folded and activations fused, as a compile sees the model),
// the emlc-prune pass for the target, then ONNX export (lib/Export). Without
// a pruning ratio it writes the un-pruned nn graph: a canonicalized,
// BatchNorm-folded copy of the model, with the same inputs, outputs and opset.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_PIPELINE_PRUNE_H
#define EMLC_PIPELINE_PRUNE_H

#include "emlc/Pruning/Passes.h"
#include "emlc/Support/ResourceLimits.h"
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace emlc {

struct PruneModelOptions {
  std::string modelPath;
  ResourceLimits limits;  ///< how large the model may be (ResourceLimits.h)
  std::string outputPath; ///< the .onnx to write
  std::map<std::string, std::vector<int64_t>> inputShapes;
  std::map<std::string, std::string> inputValues; ///< see ImportOptions::inputValues
  std::string producerVersion;                    ///< written as the model's producer_version
  /// The target whose kernels set the kept channel multiple and the cost model.
  std::string target = "generic";
  /// emlc-prune's options (ratio, calibration, importance, schedule,
  /// correction, channel multiple); an empty ratio exports the model unchanged.
  PruneOptions pruning;
  ProgressFn progress; ///< of the sensitivity measurements
  /// Optional: the module just before the export (tests, emlc verify).
  std::function<void(mlir::ModuleOp)> inspect;
};

struct PruneModelResult {
  bool ok = false;
  std::string error; ///< one or more "error: ..." lines
  std::vector<std::string> warnings;
  int64_t opset = 0;
  int64_t parametersBefore = 0; ///< float weights of the nn module before the transform
  int64_t parameters = 0;       ///< float weights written
  int64_t nodes = 0, bytes = 0; ///< nodes and file size of the written model
  std::string summary;          ///< what pruning removed (pruningSummary), "" without it
};

PruneModelResult pruneModel(const PruneModelOptions &options);

} // namespace emlc

#endif
