//===- PTQ.h - post-training int8 quantization of nn-level models -*- C++ -*-===//
//
// What the pass emlc-quantize (Passes.td) does, as a library call: `emlc
// compile MODEL --quantize=int8 --calibration PATH` adds the pass. Runs the float nn
// graph in the reference interpreter over the calibration samples, chooses
// activation ranges (min/max or percentile), quantizes weights symmetrically
// per output channel to int8 and biases to int32, and rewrites the graph onto
// `!quant.uniform` types, so the rest of the flow (integer kernels, memory
// planning, emission) is the one QDQ models take. Ops without an int8 kernel
// stay float between quant.dcast/quant.qcast. Each quantized layer gets
// `emlc.sqnr`: the SQNR of its output versus the float model on the samples.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_QUANTIZATION_PTQ_H
#define EMLC_QUANTIZATION_PTQ_H

#include "emlc/Interpreter/Interpreter.h"
#include "emlc/Quantization/MixedPrecision.h"
#include "mlir/IR/BuiltinOps.h"
#include <functional>
#include <string>
#include <vector>

namespace emlc {

struct PTQOptions {
  std::string calibrationPath;   ///< a .npy (samples on axis 0), or a folder of .npy / .pb files
  std::string method = "minmax"; ///< "minmax" or "percentile"
  double percentile = 99.99;     ///< kept share of values per tail, for "percentile"
  bool int8IO = false;           ///< int8 inputs and outputs instead of float ones
  PrecisionRequest precision;    ///< weight precision per layer (MixedPrecision.h)
  std::string labelsPath;        ///< optional .npy of the samples' classes (accuracy of auto's plans)
  /// Progress of the long steps: (what, done, total).
  std::function<void(const std::string &, int64_t, int64_t)> progress;
};

struct PTQResult {
  std::string error;
  int64_t samples = 0;
  std::vector<double> outputSQNR; ///< dB per graph output, over the calibration samples
  PrecisionChoice precision;      ///< the weight precisions chosen
};

/// Loads calibration samples for an input of shape `shape`: whole model
/// inputs (consecutive samples are grouped when the input's batch holds
/// several). False with `error` set when the files do not fit the input.
bool loadCalibrationSet(const std::string &path, mlir::MLIRContext &ctx, const std::vector<int64_t> &shape,
                        std::vector<Tensor> &batches, std::string &error);

/// Class labels (a .npy of integers), one per calibration sample; false with
/// `error` when the count differs from `samples`.
bool loadLabels(const std::string &path, size_t samples, std::vector<int64_t> &labels, std::string &error);

/// Quantizes `module` (nn level, float) in place.
bool quantizeModule(mlir::ModuleOp module, const PTQOptions &options, PTQResult &result);

} // namespace emlc

#endif
