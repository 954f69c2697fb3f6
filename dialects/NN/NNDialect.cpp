//===- NNDialect.cpp - nn dialect registration and folders ----------------===//
//
// The verifiers are in NNVerifiers.cpp. Also the op facts that both the
// kernel lowerings and the reference interpreter use (MACs, resize taps).
//
//===----------------------------------------------------------------------===//

#include "dialects/NN/NNDialect.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace emlc::nn;

#include "dialects/NN/NNDialect.cpp.inc"
#include "dialects/NN/NNEnums.cpp.inc"

void NNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/NN/NNOps.cpp.inc"
      >();
}

Operation *NNDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type, Location loc) {
  if (auto dense = llvm::dyn_cast<DenseElementsAttr>(value))
    return builder.create<arith::ConstantOp>(loc, type, dense);
  return nullptr;
}

#define GET_OP_CLASSES
#include "dialects/NN/NNOps.cpp.inc"

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  if (auto c = llvm::dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return c.reshape(getOutput().getType());
  // reshape(reshape(x)) -> reshape(x)
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  if (llvm::all_of(getPads(), [](int64_t p) { return p == 0; }))
    return getInput();
  return {};
}

int64_t emlc::nn::countMACs(Operation *op) {
  auto shape = [](Value v) { return llvm::cast<ShapedType>(v.getType()).getShape(); };
  auto elems = [](Value v) { return llvm::cast<ShapedType>(v.getType()).getNumElements(); };
  if (auto c = llvm::dyn_cast<Conv2DOp>(op)) {
    auto w = shape(c.getWeight());
    return elems(c.getOutput()) * w[1] * w[2] * w[3];
  }
  if (auto c = llvm::dyn_cast<ConvTranspose2DOp>(op)) {
    auto w = shape(c.getWeight());
    return elems(c.getInput()) * w[1] * w[2] * w[3];
  }
  if (auto f = llvm::dyn_cast<FullyConnectedOp>(op))
    return shape(f.getInput())[0] * elems(f.getWeight());
  if (auto m = llvm::dyn_cast<MatMulOp>(op))
    return elems(m.getOutput()) * shape(m.getLhs()).back();
  return 0;
}

int64_t emlc::nn::resizeAxisTaps(ResizeOp r, int64_t in, int64_t out, float scale, SmallVectorImpl<int64_t> &idx,
                                 SmallVectorImpl<float> &w) {
  StringRef mode = r.getMode(), cm = r.getCoordinateMode(), nm = r.getNearestMode();
  bool identity = in == out && scale == 1.0f;
  int64_t n = identity ? 1 : mode == "nearest" ? 1 : mode == "linear" ? 2 : 4;
  double A = r.getCubicCoeffA().convertToDouble();
  bool excludeOutside = r->hasAttr("exclude_outside");
  for (int64_t o = 0; o < out; ++o) {
    double s = scale, xo;
    if (n == 1 && in == out && scale == 1.0f) { // an identity axis
      idx.push_back(o), w.push_back(1.0f);
      continue;
    }
    if (cm == "half_pixel")
      xo = (o + 0.5) / s - 0.5;
    else if (cm == "pytorch_half_pixel")
      xo = out > 1 ? (o + 0.5) / s - 0.5 : 0.0;
    else if (cm == "align_corners") { // ONNX uses the unrounded resized length
      double lr = in * s;
      xo = lr > 1 ? o * double(in - 1) / (lr - 1) : 0.0;
    } else if (cm == "tf_half_pixel_for_nn")
      xo = (o + 0.5) / s;
    else
      xo = o / s; // asymmetric
    auto clampIdx = [&](int64_t i) { return std::clamp<int64_t>(i, 0, in - 1); };
    double f = std::floor(xo), t = xo - f;
    if (n == 1) {
      int64_t i;
      if (nm == "floor")
        i = (int64_t)f;
      else if (nm == "ceil")
        i = (int64_t)std::ceil(xo);
      else if (nm == "round_prefer_ceil")
        i = (int64_t)(t >= 0.5 ? f + 1 : f);
      else
        i = (int64_t)(t > 0.5 ? f + 1 : f); // round_prefer_floor
      idx.push_back(clampIdx(i)), w.push_back(1.0f);
    } else if (n == 2) {
      idx.push_back(clampIdx((int64_t)f)), w.push_back((float)(1.0 - t));
      idx.push_back(clampIdx((int64_t)f + 1)), w.push_back((float)t);
    } else { // cubic convolution (Keys), ONNX's coefficient layout
      double c[4] = {((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A, ((A + 2) * t - (A + 3)) * t * t + 1,
                     ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1,
                     ((A * (2 - t) - 5 * A) * (2 - t) + 8 * A) * (2 - t) - 4 * A};
      double sum = 0;
      for (int j = 0; j < 4; ++j) {
        int64_t i = (int64_t)f - 1 + j;
        if (excludeOutside && (i < 0 || i >= in))
          c[j] = 0;
        sum += c[j];
      }
      for (int j = 0; j < 4; ++j) {
        idx.push_back(clampIdx((int64_t)f - 1 + j));
        w.push_back((float)(excludeOutside && sum != 0 ? c[j] / sum : c[j]));
      }
    }
  }
  return n;
}
