//===- Passes.h - emlc compression passes ------------------------*- C++ -*-===//
#ifndef EMLC_QUANTIZATION_PASSES_H
#define EMLC_QUANTIZATION_PASSES_H

#include "mlir/Pass/Pass.h"
#include <functional>
#include <memory>
#include <string>

namespace emlc {
#define GEN_PASS_DECL
#include "emlc/Quantization/Passes.h.inc"

/// Progress of a long step: (what, done, total). Observes only: a driver
/// shows it, results do not depend on it.
using ProgressFn = std::function<void(const std::string &what, int64_t done, int64_t total)>;

/// emlc-quantize with a progress observer (what `emlc compile` installs to
/// show calibration on stderr; the registered pass has none).
std::unique_ptr<mlir::Pass> createQuantize(const QuantizeOptions &options, ProgressFn progress);

#define GEN_PASS_REGISTRATION
#include "emlc/Quantization/Passes.h.inc"
} // namespace emlc

#endif
