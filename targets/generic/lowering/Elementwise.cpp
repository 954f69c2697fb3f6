//===- Elementwise.cpp - portable elementwise, softmax, pooling, reductions ===//
//
// targets/generic/kernels: elementwise.c, typed.c, int8.c, reduce.c. The
// int8 kernels compute exactly as TFLite does (their parameters are
// prepared here as TFLite prepares them).
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "emlc/Conversion/NNToKernel/LayerFacts.h"
#include "emlc/Support/ConstantUtils.h"
#include "targets/generic/lowering/SharedLowerings.h"
#include <cmath>

using namespace mlir;
using namespace emlc;

namespace {

LogicalResult needF32(Layer &l, Value v) {
  if (!elemOf(v).isF32())
    return l.op->emitError("element type ") << elemOf(v) << " is not supported by this kernel (float32 only)";
  return success();
}

/// TFLite int8 Logistic / Tanh: the input rescaled to Q4.27 fixed point
/// (multiplier and left shift from frexp, as TFLite prepares them),
/// gemmlowp's fixed-point function, output 1/256 (zp -128) for Logistic and
/// 1/128 (zp 0) for Tanh.
LogicalResult lowerLogisticTanhS8(Layer &l, nn::UnaryOp u, quant::UniformQuantizedType qe) {
  bool sig = u.getKind() == nn::UnaryKind::sigmoid;
  auto ye = llvm::dyn_cast<quant::UniformQuantizedType>(elemOf(u.getOutput()));
  if (!ye || !qe.isSigned() || qe.getStorageTypeIntegralWidth() != 8 ||
      (float)ye.getScale() != (sig ? 1.0f / 256 : 1.0f / 128) || ye.getZeroPoint() != (sig ? -128 : 0))
    return l.op->emitError("int8 ") << (sig ? "Logistic" : "Tanh") << " needs int8 input and the output grid "
                                    << (sig ? "1/256, zero point -128" : "1/128, zero point 0");
  int shift;
  double q = std::frexp((double)(float)qe.getScale() * (double)(1 << (31 - 4)), &shift);
  int64_t mult = (int64_t)std::round(q * (double)(1ll << 31));
  double radius = std::floor(15.0 * (double)(1ll << 27) / std::ldexp(1.0, shift));
  Value out = l.k.result(u.getOutput(), l.loc);
  l.k.call(l.loc, sig ? "logistic_s8" : "tanh_s8", {l.k.get(u.getInput())}, {out},
           l.k.i32s({product(shapeOf(u.getInput())), qe.getZeroPoint(), (int64_t)radius, mult, shift}));
  return success();
}

LogicalResult lowerUnary(Layer &l) {
  auto u = llvm::cast<nn::UnaryOp>(l.op);
  KernelLowering &k = l.k;
  auto kind = u.getKind();
  if (kind == nn::UnaryKind::copy) {
    auto s = shapeOf(u.getInput());
    return lowerStridedCopy(l, u.getInput(), u.getOutput(), s, rowMajorStrides(s), 0);
  }
  Type e = elemOf(u.getInput());
  std::string suffix = typeSuffix(e);
  if (auto qe = llvm::dyn_cast<quant::UniformQuantizedType>(e);
      qe && (kind == nn::UnaryKind::sigmoid || kind == nn::UnaryKind::tanh))
    return lowerLogisticTanhS8(l, u, qe);
  if (auto qe = llvm::dyn_cast<quant::QuantizedType>(e)) {
    // Other unary ops on quantized values: only a clamp on the integers, and
    // ReLU of int16 (zero point 0) onto the input's own grid: max(x, 0).
    bool relu16 = kind == nn::UnaryKind::relu && isInt16Symmetric(e) && e == elemOf(u.getOutput());
    if (kind != nn::UnaryKind::clip && !relu16)
      return l.op->emitError(quantizedBits(e) == 16 ? "int16 " : "int8 ")
             << nn::stringifyUnaryKind(kind) << " has no integer kernel yet";
    e = qe.getStorageType();
  }
  int64_t n = product(shapeOf(u.getInput()));
  if (!e.isF32()) {
    bool typed = isTypedSuffix(suffix) && (kind == nn::UnaryKind::relu || kind == nn::UnaryKind::clip ||
                                           kind == nn::UnaryKind::neg || kind == nn::UnaryKind::abs);
    if (!typed)
      return l.op->emitError("element type ")
             << e << " is not supported for " << nn::stringifyUnaryKind(kind) << " (float32 only)";
    Value out = k.result(u.getOutput(), l.loc);
    SmallVector<Attribute> args{k.i32(n)};
    if (kind == nn::UnaryKind::clip)
      args.append({k.typedScalar(e, u.getAlpha().convertToDouble()), k.typedScalar(e, u.getBeta().convertToDouble())});
    k.call(l.loc, (nn::stringifyUnaryKind(kind) + "_" + suffix).str(), {k.get(u.getInput())}, {out}, args);
    return success();
  }
  Value out = k.result(u.getOutput(), l.loc);
  k.call(l.loc, (nn::stringifyUnaryKind(kind) + "_f32").str(), {k.get(u.getInput())}, {out},
         {k.i32(n), k.f32(u.getAlpha().convertToDouble()), k.f32(u.getBeta().convertToDouble())});
  return success();
}

/// TFLite int8 Mul: the product of the offset inputs, requantized by s1 * s2 / s_out.
LogicalResult lowerMulS8(Layer &l, nn::BinaryOp bo) {
  Type e = elemOf(bo.getLhs()), be = elemOf(bo.getRhs()), ye = elemOf(bo.getOutput());
  float s1 = scalesOf(e)[0], s2 = scalesOf(be)[0], so = scalesOf(ye)[0];
  int32_t m, sh;
  quantizeMultiplier((double)s1 * (double)s2 / (double)so, m, sh);
  auto [lo, hi] = storageClamp(ye, bo.getActMin(), bo.getActMax());
  Value out = l.k.result(bo.getOutput(), l.loc);
  l.k.call(
      l.loc, "mul_s8", {l.k.get(bo.getLhs()), l.k.get(bo.getRhs())}, {out},
      l.k.i32s({product(shapeOf(bo.getOutput())), -zeroPointOf(e), -zeroPointOf(be), zeroPointOf(ye), m, sh, lo, hi}));
  return success();
}

/// Elementwise binary ops with numpy broadcasting: 6-axis shape and stride tables.
LogicalResult lowerBinary(Layer &l) {
  auto bo = llvm::cast<nn::BinaryOp>(l.op);
  KernelLowering &k = l.k;
  Type e = elemOf(bo.getLhs());
  if (quantizedBits(e) == 16 || quantizedBits(elemOf(bo.getOutput())) == 16)
    return lowerBinaryS16(l);
  if (llvm::isa<quant::QuantizedType>(e)) {
    Type be = elemOf(bo.getRhs()), ye = elemOf(bo.getOutput());
    bool isMul = bo.getKind() == nn::BinaryKind::mul;
    if ((bo.getKind() != nn::BinaryKind::add && !isMul) || !llvm::isa<quant::UniformQuantizedType>(e) ||
        !llvm::isa<quant::UniformQuantizedType>(be) || !llvm::isa<quant::UniformQuantizedType>(ye) ||
        shapeOf(bo.getLhs()) != shapeOf(bo.getRhs()))
      return l.op->emitError("int8 elementwise ops are supported as Add and Mul of equal shapes so far");
    return isMul ? lowerMulS8(l, bo) : lowerAddS8(l, "add_s8");
  }
  std::string suffix = typeSuffix(e);
  if (elemOf(bo.getRhs()) != e)
    return l.op->emitError("operands have different element types");
  if (!isTypedSuffix(suffix))
    return l.op->emitError("element type ") << e << " is not supported for elementwise arithmetic";
  if (suffix != "f32" && bo.getKind() == nn::BinaryKind::prelu)
    return l.op->emitError("PRelu of ") << e << " is not supported (float32 only)";
  auto y = shapeOf(bo.getOutput());
  Attribute lo, hi;
  if (suffix == "f32")
    std::tie(lo, hi) = k.clampArgs(bo.getActMin(), bo.getActMax());
  else
    lo = k.typedScalar(e, -INFINITY), hi = k.typedScalar(e, INFINITY);
  Value out = k.result(bo.getOutput(), l.loc);
  k.call(l.loc, (nn::stringifyBinaryKind(bo.getKind()) + "_" + suffix).str(), {k.get(bo.getLhs()), k.get(bo.getRhs())},
         {out},
         {k.table(pad6(y)), k.table(broadcastStrides(shapeOf(bo.getLhs()), y)),
          k.table(broadcastStrides(shapeOf(bo.getRhs()), y)), lo, hi});
  return success();
}

/// int8: TFLite's PreprocessSoftmaxScaling (beta 1, 5 integer bits for the
/// scaled differences) and CalculateInputRadius; float: over any axis.
LogicalResult lowerSoftmax(Layer &l) {
  auto s = llvm::cast<nn::SoftmaxOp>(l.op);
  KernelLowering &k = l.k;
  auto x = shapeOf(s.getInput());
  if (llvm::isa<quant::QuantizedType>(elemOf(s.getInput()))) {
    if (quantizedBits(elemOf(s.getInput())) != 8)
      return l.op->emitError("softmax of ") << elemOf(s.getInput()) << " has no integer kernel (int8 only)";
    if ((int64_t)s.getAxis() != (int64_t)x.size() - 1 || s.getLog())
      return l.op->emitError("int8 softmax is supported over the last axis only");
    const int kScaledDiffIntegerBits = 5;
    double real =
        std::min<double>(1.0 * (double)scalesOf(elemOf(s.getInput()))[0] * (double)(1 << (31 - kScaledDiffIntegerBits)),
                         (double)((1ll << 31) - 1));
    int32_t mult, leftShift;
    quantizeMultiplier(real, mult, leftShift);
    double radius = 1.0 * ((1 << kScaledDiffIntegerBits) - 1) * (double)(1ll << (31 - kScaledDiffIntegerBits)) /
                    (double)(1ll << leftShift);
    int32_t diffMin = -(int32_t)std::floor(radius);
    Value out = k.result(s.getOutput(), l.loc);
    k.call(l.loc, "softmax_s8", {k.get(s.getInput())}, {out},
           k.i32s({product(x, 0, x.size() - 1), x.back(), mult, leftShift, diffMin}));
    return success();
  }
  if (failed(needF32(l, s.getInput())))
    return failure();
  int64_t axis = s.getAxis();
  Value out = k.result(s.getOutput(), l.loc);
  k.call(l.loc, "softmax_f32", {k.get(s.getInput())}, {out},
         k.i32s({product(x, 0, axis), x[axis], product(x, axis + 1), s.getLog()}));
  return success();
}

LogicalResult lowerNormalize(Layer &l) {
  auto n = llvm::cast<nn::NormalizeOp>(l.op);
  if (failed(needF32(l, n.getInput())))
    return failure();
  KernelLowering &k = l.k;
  auto x = shapeOf(n.getInput());
  Value out = k.result(n.getOutput(), l.loc);
  Value mean = k.result(n.getMean(), l.loc), inv = k.result(n.getInvStdDev(), l.loc);
  k.call(l.loc, "normalize_f32", {k.get(n.getInput())}, {out, mean, inv},
         {k.i32(product(x, 0, n.getAxis())), k.i32(product(x, n.getAxis())), k.f32(n.getEpsilon().convertToDouble())});
  return success();
}

LogicalResult lowerPool(Layer &l) {
  auto p = llvm::cast<nn::Pool2DOp>(l.op);
  KernelLowering &k = l.k;
  Type xe = elemOf(p.getInput());
  auto x = shapeOf(p.getInput()), y = shapeOf(p.getOutput());
  auto kern = p.getKernel(), s = p.getStrides(), d = p.getDilations(), pads = p.getPads();
  SmallVector<Attribute> args =
      k.i32s({x[0] * x[1], x[2], x[3], y[2], y[3], kern[0], kern[1], s[0], s[1], d[0], d[1], pads[0], pads[1]});
  if (p.getKind() == nn::PoolKind::avg && quantizedBits(xe) == 16)
    return lowerAvgPoolS16(l);
  if (p.getKind() == nn::PoolKind::avg && llvm::isa<quant::QuantizedType>(xe)) {
    // TFLite int8 average pooling (in and out share their quantization).
    auto qt = llvm::dyn_cast<quant::UniformQuantizedType>(xe);
    if (!qt || xe != elemOf(p.getOutput()) || !qt.isSigned() || qt.getStorageTypeIntegralWidth() != 8 ||
        (p.getCountIncludePad() && llvm::any_of(pads, [](int64_t v) { return v != 0; })))
      return l.op->emitError("int8 average pooling needs signed int8 with the input's quantization on the "
                             "output and count_include_pad = 0");
    Value out = k.result(p.getOutput(), l.loc);
    args.append(k.i32s({qt.getStorageTypeMin(), qt.getStorageTypeMax()}));
    k.call(l.loc, "avgpool2d_s8", {k.get(p.getInput())}, {out}, args);
    return success();
  }
  std::string suffix = typeSuffix(xe);
  if (p.getKind() == nn::PoolKind::avg || !isTypedSuffix(suffix))
    if (failed(needF32(l, p.getInput())))
      return failure();
  Value out = k.result(p.getOutput(), l.loc);
  if (p.getKind() == nn::PoolKind::avg) {
    // count_include_pad counts the explicit pads only (not ceil-mode extension).
    args.append(k.i32s({pads[2], pads[3], p.getCountIncludePad()}));
    k.call(l.loc, "avgpool2d_f32", {k.get(p.getInput())}, {out}, args);
  } else {
    k.call(l.loc, "maxpool2d_" + suffix, {k.get(p.getInput())}, {out}, args);
  }
  return success();
}

LogicalResult lowerReduce(Layer &l) {
  auto r = llvm::cast<nn::ReduceOp>(l.op);
  KernelLowering &k = l.k;
  Type xe = elemOf(r.getInput());
  auto x = shapeOf(r.getInput());
  if (llvm::isa<quant::QuantizedType>(xe))
    return lowerReduceMeanS8(l, "reduce_mean_s8");
  if (failed(needF32(l, r.getInput())))
    return failure();
  auto y = shapeOf(r.getOutput());
  auto ys = rowMajorStrides(y);
  SmallVector<int64_t> ostr(x.size());
  int64_t count = 1;
  for (size_t i = 0; i < x.size(); ++i) {
    bool reduced = llvm::is_contained(r.getAxes(), (int64_t)i);
    ostr[i] = reduced ? 0 : ys[i];
    if (reduced)
      count *= x[i];
  }
  Value out = k.result(r.getOutput(), l.loc);
  SmallVector<Attribute> args{k.table(pad6(x)), k.table(pad6(ostr, 0))};
  args.append(k.i32s({product(y), (int64_t)r.getKind(), count}));
  k.call(l.loc, "reduce_f32", {k.get(r.getInput())}, {out}, args);
  return success();
}

} // namespace

bool emlc::isInt8MeanOfRows(Operation *op) {
  auto r = llvm::dyn_cast<nn::ReduceOp>(op);
  if (!r)
    return false;
  auto axes = r.getAxes();
  int64_t rank = (int64_t)shapeOf(r.getInput()).size();
  bool trailing = !axes.empty() && axes.back() == rank - 1;
  for (size_t i = 1; i < axes.size(); ++i)
    trailing &= axes[i] == axes[i - 1] + 1;
  Type xe = elemOf(r.getInput());
  return quantizedBits(xe) == 8 && r.getKind() == nn::ReduceKind::mean && trailing && xe == elemOf(r.getOutput());
}

LogicalResult emlc::lowerReduceMeanS8(Layer &l, llvm::StringRef kernel) {
  auto r = llvm::cast<nn::ReduceOp>(l.op);
  KernelLowering &k = l.k;
  Type xe = elemOf(r.getInput());
  auto x = shapeOf(r.getInput());
  if (quantizedBits(xe) != 8)
    return l.op->emitError("reductions of ") << xe << " have no integer kernel (int8 only)";
  if (!isInt8MeanOfRows(l.op))
    return l.op->emitError("int8 reductions are supported as averages over trailing axes with the "
                           "input's quantization");
  // TFLite's average pooling: the rounded division of the int32 sum.
  auto axes = r.getAxes();
  Value out = k.result(r.getOutput(), l.loc);
  auto qt = llvm::cast<quant::QuantizedType>(xe);
  k.call(
      l.loc, kernel, {k.get(r.getInput())}, {out},
      k.i32s({product(x, 0, axes.front()), product(x, axes.front()), qt.getStorageTypeMin(), qt.getStorageTypeMax()}));
  return success();
}

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  r.addPortable(nn::UnaryOp::getOperationName(), lowerUnary);
  r.addPortable(nn::BinaryOp::getOperationName(), lowerBinary);
  r.addPortable(nn::SoftmaxOp::getOperationName(), lowerSoftmax);
  r.addPortable(nn::NormalizeOp::getOperationName(), lowerNormalize);
  r.addPortable(nn::Pool2DOp::getOperationName(), lowerPool);
  r.addPortable(nn::ReduceOp::getOperationName(), lowerReduce);
}
