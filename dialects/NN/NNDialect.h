//===- NNDialect.h - the nn dialect ----------------------------*- C++ -*-===//
#ifndef EMLC_DIALECTS_NN_NNDIALECT_H
#define EMLC_DIALECTS_NN_NNDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/NN/NNDialect.h.inc"
#include "dialects/NN/NNEnums.h.inc"
#define GET_OP_CLASSES
#include "dialects/NN/NNOps.h.inc"

namespace emlc::nn {
/// Multiply-accumulates of one nn op (conv, fc, matmul; 0 for the others).
int64_t countMACs(mlir::Operation *op);

/// One axis of an nn.resize of an `in`-long axis to `out`, with `scale` the
/// op's factor for it: for each output index, the source indices (clamped
/// into the input) and weights of its taps, appended to `idx` and `w`.
/// Returns the taps per output index: 1 (nearest, or an axis that is not
/// resized), 2 (linear) or 4 (cubic). The portable kernel's tables and the
/// reference interpreter both come from here.
int64_t resizeAxisTaps(ResizeOp r, int64_t in, int64_t out, float scale, llvm::SmallVectorImpl<int64_t> &idx,
                       llvm::SmallVectorImpl<float> &w);
} // namespace emlc::nn

#endif
