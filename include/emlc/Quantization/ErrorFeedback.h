//===- ErrorFeedback.h - low-bit weights that keep the layer's outputs -*- C++ -*-===//
//
// Rounding each weight to the nearest grid point is what int8 PTQ does
// (TFLite's rule) and is fine at 8 bits; at 4 bits and below it is not. The
// narrower precisions quantize a layer's weights one input column at a time
// and push each column's rounding error onto the columns not yet quantized,
// weighted by how the calibration inputs correlate (the optimal brain
// quantizer update as GPTQ, Frantar et al. 2023, applies it): the layer's
// output on the calibration inputs is kept, not each weight.
//
// The inputs' second moments H = sum x x^T are collected per layer (per
// group for grouped convolutions; x an input row of a fully connected
// layer, or an im2col patch of a convolution) by running the float graph in
// the interpreter over calibration samples.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_QUANTIZATION_ERRORFEEDBACK_H
#define EMLC_QUANTIZATION_ERRORFEEDBACK_H

#include "emlc/Interpreter/Interpreter.h"
#include "emlc/Quantization/MixedPrecision.h"
#include <map>

namespace emlc {

/// Per layer tag: one K x K matrix (row-major) per group.
using LayerMoments = std::map<int64_t, std::vector<std::vector<double>>>;

/// H for every layer of `layers`, over `samples` (at most `positions`
/// output positions per sample and convolution, evenly spread).
bool collectInputMoments(mlir::func::FuncOp fn, const std::vector<WeightedLayer> &layers,
                         const std::vector<Tensor> &samples, int64_t positions, LayerMoments &moments,
                         std::string &error);

/// Lower Cholesky factor of the symmetric positive definite K x K matrix a
/// (row-major, in place; the upper triangle zeroed); false if it is not.
bool cholesky(std::vector<double> &a, int64_t K);

/// Adds `from` into `to` (moments over the union of two sample sets).
void addMoments(LayerMoments &to, const LayerMoments &from);

/// Per-channel symmetric weights at `p` (scales as quantizePerChannel
/// chooses them) rounded with error feedback through `moments` (one per
/// group of rows). Weights are [rows][K] per group.
ChannelQuantized quantizeWithFeedback(mlir::DenseElementsAttr weights, WeightPrecision p,
                                      const std::vector<std::vector<double>> &moments);

/// The quantized weights of each layer at each precision, computed once:
/// int8 by TFLite's rounding, narrower ones with error feedback when the
/// layer's moments are known.
class WeightQuantizer {
public:
  explicit WeightQuantizer(const LayerMoments *moments = nullptr) : moments(moments) {}
  const ChannelQuantized &get(int64_t id, mlir::DenseElementsAttr weights, WeightPrecision p);

private:
  const LayerMoments *moments;
  std::map<std::pair<int64_t, WeightPrecision>, ChannelQuantized> cache;
};

} // namespace emlc

#endif
