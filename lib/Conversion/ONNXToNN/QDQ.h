//===- QDQ.h - fusion of QDQ graphs into quantized nn ops --------*- C++ -*-===//
#ifndef EMLC_LIB_CONVERSION_ONNXTONN_QDQ_H
#define EMLC_LIB_CONVERSION_ONNXTONN_QDQ_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

namespace emlc {
/// Rewrites QuantizeLinear(op(DequantizeLinear...)) groups into quantized nn
/// ops (see QDQ.cpp); what it cannot match is left for the float lowering.
mlir::LogicalResult fuseQDQ(mlir::ModuleOp module, mlir::IRRewriter &rw);
} // namespace emlc

#endif
