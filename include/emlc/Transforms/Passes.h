//===- Passes.h - emlc transformations ---------------------------*- C++ -*-===//
#ifndef EMLC_TRANSFORMS_PASSES_H
#define EMLC_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include <memory>

namespace emlc {
#define GEN_PASS_DECL
#include "emlc/Transforms/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "emlc/Transforms/Passes.h.inc"
} // namespace emlc

#endif
