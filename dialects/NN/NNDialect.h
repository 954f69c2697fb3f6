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
} // namespace emlc::nn

#endif
