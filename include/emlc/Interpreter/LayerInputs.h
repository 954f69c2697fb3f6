//===- LayerInputs.h - the input rows a layer multiplies with its weights -*- C++ -*-===//
//
// A fully connected layer multiplies each input row with every output's
// weights; a convolution, each im2col patch (per group). Quantization's error
// feedback needs their second moments and pruning's least-squares correction
// the same patches from two versions of a model, at the same positions: both
// read them here.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_INTERPRETER_LAYERINPUTS_H
#define EMLC_INTERPRETER_LAYERINPUTS_H

#include "emlc/Interpreter/Interpreter.h"
#include <functional>
#include <vector>

namespace emlc {

class LayerInputRows {
public:
  /// `op` is an nn.conv2d or nn.fully_connected.
  explicit LayerInputRows(mlir::Operation *op);
  /// Calls `row(group, v)` with each input row of x (fully connected) or up
  /// to `positions` im2col patches per sample (convolution, evenly spread;
  /// the same positions for any x of the same shape).
  void forEach(const Tensor &x, int64_t positions,
               const std::function<void(int64_t group, const std::vector<double> &v)> &row) const;

  mlir::Operation *op;
  int64_t groups = 1, cg = 0, kh = 1, kw = 1, K = 0; ///< K: the length of a row (cg * kh * kw)
};

} // namespace emlc

#endif
