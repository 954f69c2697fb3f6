//===- ONNXExport.h - a float nn module written back as ONNX ----*- C++ -*-===//
//
// Writes the `@main` of a float nn-dialect module (the output of
// buildONNXToNNPipeline, possibly transformed further, e.g. pruned) as an ONNX
// ModelProto: the module's opset (`emlc.opset`) and IR version
// (`emlc.ir_version`, recorded by the importer), the graph inputs and outputs
// under their `emlc.name`s with the module's static shapes, one or a few
// standard ONNX nodes per nn op (named after the op's location, the original
// ONNX node name), constants as raw_data initializers named after their first
// user (`/0/Conv.weight`). Deterministic: the same module gives the same bytes.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_EXPORT_ONNXEXPORT_H
#define EMLC_EXPORT_ONNXEXPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"
#include <string>

namespace emlc {

struct ExportOptions {
  /// ModelProto.producer_name / producer_version.
  std::string producerName = "emlc";
  std::string producerVersion;
  /// Record each value's type as graph value_info (lets onnx.checker's shape
  /// inference compare every intermediate shape with emlc's).
  bool valueInfo = true;
};

/// Statistics of a written model, for the CLI's summary.
struct ExportStats {
  int64_t nodes = 0, initializers = 0, parameters = 0;
};

/// Serializes `module` into `bytesOut`. Fails with an error diagnostic on the
/// op (its location names the node) for an op or element type ONNX export
/// does not handle (quantized tensors, kernel-level IR, ...), never aborts.
mlir::LogicalResult exportONNX(mlir::ModuleOp module, const ExportOptions &options, std::string &bytesOut,
                               ExportStats *stats = nullptr);

} // namespace emlc

#endif
