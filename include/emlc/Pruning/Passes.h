//===- Passes.h - emlc structured pruning ------------------------*- C++ -*-===//
#ifndef EMLC_PRUNING_PASSES_H
#define EMLC_PRUNING_PASSES_H

#include "emlc/Quantization/Passes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include <memory>
#include <string>

namespace emlc {
#define GEN_PASS_DECL
#include "emlc/Pruning/Passes.h.inc"

/// emlc-prune with a progress observer (`emlc compile` and `emlc prune` show it on stderr).
std::unique_ptr<mlir::Pass> createPrune(const PruneOptions &options, ProgressFn progress);

/// One line saying what emlc-prune removed (from the module's `emlc.pruning`), or "" if it did not run.
std::string pruningSummary(mlir::ModuleOp module);

/// The channel multiple the target's kernels run fastest on (ISA facts of emlc.target; 4 without one).
int64_t targetChannelMultiple(mlir::ModuleOp module);

#define GEN_PASS_REGISTRATION
#include "emlc/Pruning/Passes.h.inc"
} // namespace emlc

#endif
