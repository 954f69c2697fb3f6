//===- Exporter.h - shared state of the ONNX export --------------*- C++ -*-===//
//
// Private to lib/Export. ONNXExport.cpp owns the graph (names, initializers,
// inputs and outputs); ExportOps.cpp writes the nodes of each nn op through it.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_LIB_EXPORT_EXPORTER_H
#define EMLC_LIB_EXPORT_EXPORTER_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include <onnx/onnx_pb.h>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace emlc::exporter {

/// ONNX TensorProto data type of an element type; 0 when ONNX export does
/// not handle it (quantized types, odd widths).
int32_t onnxElementType(mlir::Type t);

class Exporter {
public:
  Exporter(mlir::MLIRContext *ctx, int64_t opset, bool valueInfo, ::onnx::GraphProto &graph)
      : opset(opset), ctx(ctx), valueInfo(valueInfo), g(graph) {}

  const int64_t opset;

  /// The node name of an op: its location's name (the ONNX node name),
  /// made unique; `suffix` names an extra node written for the same op.
  std::string nodeName(mlir::Operation *op, llvm::StringRef suffix = "");
  /// A value name not used yet, from `base`.
  std::string freshValue(const std::string &base);
  /// Reserves a name (graph inputs and outputs, before any node).
  void reserve(const std::string &name) { usedValues.insert(name); }
  /// Fixes the name of a value (graph inputs, values the graph returns).
  void bind(mlir::Value v, const std::string &name) { names[v] = name; }
  bool isBound(mlir::Value v) const { return names.count(v); }

  /// The name of an operand of `user`: a value already written, or a
  /// constant, written as an initializer `NODE.role` on its first use.
  std::string input(mlir::Value v, llvm::StringRef node, llvm::StringRef role);
  /// The name `node` writes result `v` under: the graph output name bound to
  /// it, or a fresh `NODE_output_K`. Records its value_info.
  std::string output(mlir::Value v, llvm::StringRef node);

  /// Initializers from values (named uniquely after `name`).
  std::string initializer(const std::string &name, mlir::DenseElementsAttr value, bool weights = true);
  std::string initF32(const std::string &name, llvm::ArrayRef<float> values, llvm::ArrayRef<int64_t> shape);
  std::string initI64(const std::string &name, llvm::ArrayRef<int64_t> values, llvm::ArrayRef<int64_t> shape);
  /// A scalar of element type `elem` (Clip bounds, Pad's value: typed like the tensor they apply to).
  std::string initScalar(const std::string &name, mlir::Type elem, double value);

  /// Set when an operand could not be named (reported as an error on it).
  bool hadError = false;

  /// A node; its name made unique among the nodes written so far.
  ::onnx::NodeProto &node(llvm::StringRef type, llvm::StringRef name, llvm::ArrayRef<std::string> inputs,
                          llvm::ArrayRef<std::string> outputs);
  static void attr(::onnx::NodeProto &n, llvm::StringRef name, int64_t v);
  static void attr(::onnx::NodeProto &n, llvm::StringRef name, float v);
  static void attr(::onnx::NodeProto &n, llvm::StringRef name, llvm::StringRef v);
  static void attr(::onnx::NodeProto &n, llvm::StringRef name, llvm::ArrayRef<int64_t> v);
  static void attr(::onnx::NodeProto &n, llvm::StringRef name, llvm::ArrayRef<float> v);

  /// A graph value_info (or input/output) entry for `name` of type `t`.
  static void describe(::onnx::ValueInfoProto &vi, const std::string &name, mlir::Type t);
  void addValueInfo(const std::string &name, mlir::Type t);

  /// The nodes of one nn op (ExportOps.cpp). Fails with an error on the op.
  mlir::LogicalResult exportOp(mlir::Operation *op);

  /// Writes `x` clamped to [lo, hi] as Relu or Clip (bounds typed like
  /// `result`), into the name of `result`: a fused activation (node `base/Relu` or `base/Clip`) or, with
  /// `fused` false, an nn.unary clip (node `base`).
  void clamp(const std::string &base, bool fused, const std::string &x, std::optional<float> lo,
             std::optional<float> hi, mlir::Value result);

  int64_t parameters = 0;                    ///< float elements of the module's constants written
  std::vector<std::string> initializerNames; ///< in order, for ir_version < 4 graph inputs

private:
  mlir::MLIRContext *ctx;
  bool valueInfo;
  ::onnx::GraphProto &g;
  llvm::DenseMap<mlir::Value, std::string> names;
  std::set<std::string> usedValues, usedNodes; ///< usedNodes: names reserved by nodeName() or written
  std::set<std::string> writtenNodes;
};

} // namespace emlc::exporter

#endif
