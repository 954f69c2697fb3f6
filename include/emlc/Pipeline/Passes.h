//===- Passes.h - the compile pipeline's own passes ---------------*- C++ -*-===//
#ifndef EMLC_PIPELINE_PASSES_H
#define EMLC_PIPELINE_PASSES_H

#include "mlir/Pass/Pass.h"
#include <memory>

namespace emlc {
#define GEN_PASS_DECL
#include "emlc/Pipeline/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "emlc/Pipeline/Passes.h.inc"
} // namespace emlc

#endif
