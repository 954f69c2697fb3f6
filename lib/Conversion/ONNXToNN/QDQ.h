//===- QDQ.h - fusion of QDQ graphs into quantized nn ops --------*- C++ -*-===//
#ifndef EMLC_LIB_CONVERSION_ONNXTONN_QDQ_H
#define EMLC_LIB_CONVERSION_ONNXTONN_QDQ_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include <optional>
#include <vector>

namespace emlc {
/// Scale(s) and zero point(s) of a DequantizeLinear/QuantizeLinear.
struct QParams {
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  int64_t axis = 1;
};
/// The parameters of DequantizeLinear/QuantizeLinear `op`, if constant.
std::optional<QParams> qparams(mlir::Operation *op);
/// The `!quant.uniform` element type for integer storage `storage` with
/// params `p` (per axis `p.axis` of a rank-`rank` tensor when there are
/// several scales).
mlir::Type quantType(mlir::Type storage, const QParams &p, int64_t rank);

/// Rewrites QuantizeLinear(op(DequantizeLinear...)) groups into quantized nn
/// ops (see QDQ.cpp); what it cannot match is left for the float lowering.
mlir::LogicalResult fuseQDQ(mlir::ModuleOp module, mlir::IRRewriter &rw);
/// Ops that only move values (transpose, reshape, flatten, squeeze,
/// unsqueeze, identity): every quantization flow may look through them.
bool isReshapeLike(mlir::Operation *op);
/// Builds onnx op `name` (one result) at the rewriter's insertion point;
/// on failure reports `what: reason` at `loc`, clears `ok` and returns null.
mlir::Value buildONNX(mlir::IRRewriter &rw, mlir::Location loc, mlir::OperationName name, mlir::ValueRange operands,
                      llvm::ArrayRef<mlir::NamedAttribute> attrs, const llvm::Twine &what, bool &ok);
template <typename OpT>
mlir::Value buildONNX(mlir::IRRewriter &rw, mlir::Location loc, mlir::ValueRange operands,
                      llvm::ArrayRef<mlir::NamedAttribute> attrs, const llvm::Twine &what, bool &ok) {
  return buildONNX(rw, loc, mlir::OperationName(OpT::getOperationName(), rw.getContext()), operands, attrs, what, ok);
}
/// Rewrites uint8 quantized tensors as int8 ones with zero point - 128 (see Uint8.cpp).
mlir::LogicalResult convertUint8ToInt8(mlir::ModuleOp module, mlir::IRRewriter &rw);
/// Rewrites QOperator ops (QLinearConv, QLinearMatMul, tf2onnx's MatMulInteger
/// chain) into the QDQ form that fuseQDQ matches (see QOperator.cpp).
mlir::LogicalResult expandQOperators(mlir::ModuleOp module, mlir::IRRewriter &rw);
} // namespace emlc

#endif
