//===- Importer.h - ONNX protobuf -> onnx dialect ---------------*- C++ -*-===//
#ifndef EMLC_IMPORTER_IMPORTER_H
#define EMLC_IMPORTER_IMPORTER_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include <map>
#include <string>
#include <vector>

namespace emlc {

struct ImportOptions {
  /// Static shapes for graph inputs (`--shape NAME=1x3x32x32`).
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Graph inputs fixed to a value at compile time (`--input-value NAME=FILE.pb`,
  /// an ONNX TensorProto): they become constants and leave the C API. For
  /// inputs in parameter positions (a Reshape's shape, Resize's scales, ...).
  std::map<std::string, std::string> inputValues;
  /// The most elements any one tensor may have (graph inputs, initializers,
  /// every op's results); a model beyond it is refused before anything is
  /// allocated (`--max-tensor-elements`). The default, 2^28 (1 GiB of
  /// float32), is far above any microcontroller model and below what a
  /// hostile shape could make the compiler allocate.
  int64_t maxTensorElements = kDefaultMaxTensorElements;
  static constexpr int64_t kDefaultMaxTensorElements = int64_t(1) << 28;
};

/// What the importer learnt besides the IR: warnings for the user and the
/// model's opset (for messages further down the flow).
struct ImportResult {
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::vector<std::string> warnings;
  std::string error; ///< one line, set when `module` is null
  int64_t opset = 0;
};

/// Reads an ONNX model file and builds `func.func @main` of onnx ops with
/// static shapes. Never aborts on bad input: every problem is an error line
/// naming the node, op type and opset.
ImportResult importONNXFile(const std::string &path, mlir::MLIRContext &ctx, const ImportOptions &options);

/// Same, from bytes in memory (external data is then refused).
ImportResult importONNXBytes(const std::string &bytes, const std::string &modelDir, mlir::MLIRContext &ctx,
                             const ImportOptions &options);

/// The model's graph inputs that are not initializers, in order (empty when
/// the file does not parse: importONNXFile then says why); with `ranks`, each
/// one's declared rank too (-1 when it has no shape).
std::vector<std::string> graphInputNames(const std::string &path, std::vector<int64_t> *ranks = nullptr);

} // namespace emlc

#endif
