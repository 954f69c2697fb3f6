//===- LayerInputs.cpp - the input rows a layer multiplies with its weights ===//

#include "emlc/Interpreter/LayerInputs.h"
#include "dialects/NN/NNDialect.h"
#include <algorithm>

using namespace mlir;

namespace emlc {

LayerInputRows::LayerInputRows(Operation *op) : op(op) {
  if (auto c = llvm::dyn_cast<nn::Conv2DOp>(op)) {
    auto w = llvm::cast<ShapedType>(c.getWeight().getType()).getShape();
    groups = c.getGroups(), cg = w[1], kh = w[2], kw = w[3];
    K = cg * kh * kw;
  } else {
    K = llvm::cast<ShapedType>(op->getOperand(1).getType()).getShape()[1];
  }
}

void LayerInputRows::forEach(const Tensor &x, int64_t positions,
                             const std::function<void(int64_t, const std::vector<double> &)> &row) const {
  std::vector<double> v(K);
  auto c = llvm::dyn_cast<nn::Conv2DOp>(op);
  if (!c) {
    for (int64_t r = 0; r + K <= x.size(); r += K) {
      std::copy(x.data.begin() + r, x.data.begin() + r + K, v.begin());
      row(0, v);
    }
    return;
  }
  auto y = llvm::cast<ShapedType>(c.getOutput().getType()).getShape();
  int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3], OH = y[2], OW = y[3];
  auto st = c.getStrides(), dl = c.getDilations(), pads = c.getPads();
  // Per sample: a model bound to batch N sees N samples in x, each with its positions.
  int64_t plane = OH * OW, step = std::max<int64_t>(1, plane / std::max<int64_t>(1, positions));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t p = 0; p < plane; p += step) {
      int64_t oh = p / OW, ow = p % OW;
      for (int64_t g = 0; g < groups; ++g) {
        int64_t k = 0;
        for (int64_t ci = 0; ci < cg; ++ci)
          for (int64_t i = 0; i < kh; ++i)
            for (int64_t j = 0; j < kw; ++j, ++k) {
              int64_t ih = oh * st[0] - pads[0] + i * dl[0], iw = ow * st[1] - pads[1] + j * dl[1];
              bool inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
              v[k] = inside ? x.data[((n * C + g * cg + ci) * H + ih) * W + iw] : 0.0;
            }
        row(g, v);
      }
    }
}

} // namespace emlc
