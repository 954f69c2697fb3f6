//===- Passes.h - emlc conversions ------------------------------*- C++ -*-===//
#ifndef EMLC_CONVERSION_PASSES_H
#define EMLC_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"
#include <memory>

namespace emlc {
#define GEN_PASS_DECL
#include "emlc/Conversion/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "emlc/Conversion/Passes.h.inc"
} // namespace emlc

#endif
