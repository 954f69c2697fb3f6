//===- Interpreter.cpp - reference evaluation of nn-level functions -------===//
//
// The run loop, constants, and what every op family shares (shapes,
// quantized grids, the result's clamp and type). The ops themselves are in
// EvalCompute.cpp and EvalDataMovement.cpp (see Eval.h); the header says how
// quantized tensors are simulated.
//
//===----------------------------------------------------------------------===//

#include "emlc/Interpreter/Interpreter.h"
#include "Eval.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir;

namespace emlc {
namespace interp {

Shape shapeOf(Value v) {
  auto s = llvm::cast<ShapedType>(v.getType()).getShape();
  return Shape(s.begin(), s.end());
}
Type elemOf(Value v) { return llvm::cast<ShapedType>(v.getType()).getElementType(); }
int64_t numel(const Shape &s) { return std::accumulate(s.begin(), s.end(), (int64_t)1, std::multiplies<>()); }
Shape stridesOf(const Shape &s) {
  Shape st(s.size(), 1);
  for (int i = (int)s.size() - 2; i >= 0; --i)
    st[i] = st[i + 1] * s[i + 1];
  return st;
}
Tensor zeros(Shape s) {
  Tensor t;
  t.data.assign(numel(s), 0.0f);
  t.shape = std::move(s);
  return t;
}

std::optional<Grid> gridOf(Type t) {
  Grid g;
  if (auto u = llvm::dyn_cast<quant::UniformQuantizedType>(t)) {
    g.scales = {u.getScale()};
    g.zeroPoints = {u.getZeroPoint()};
  } else if (auto a = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(t)) {
    g.scales.assign(a.getScales().begin(), a.getScales().end());
    g.zeroPoints.assign(a.getZeroPoints().begin(), a.getZeroPoints().end());
    g.axis = a.getQuantizedDimension();
  } else {
    return std::nullopt;
  }
  auto q = llvm::cast<quant::QuantizedType>(t);
  g.qmin = q.getStorageTypeMin(), g.qmax = q.getStorageTypeMax();
  return g;
}

int64_t channelOf(const Shape &s, int64_t axis, int64_t i) {
  if (axis < 0)
    return 0;
  int64_t inner = 1;
  for (size_t d = axis + 1; d < s.size(); ++d)
    inner *= s[d];
  return (i / inner) % s[axis];
}

namespace {
/// Rounds real values onto the grid (round half away from zero, as TFLite's
/// requantization), clamped to [lo, hi] in storage units.
void fakeQuant(Tensor &t, const Grid &g, double lo, double hi) {
  lo = std::max<double>(lo, g.qmin), hi = std::min<double>(hi, g.qmax);
  for (int64_t i = 0; i < t.size(); ++i) {
    int64_t c = channelOf(t.shape, g.axis, i);
    double q = std::round((double)t.data[i] / g.scale(c)) + g.zeroPoint(c);
    q = std::min(std::max(q, lo), hi);
    t.data[i] = (float)((q - g.zeroPoint(c)) * g.scale(c));
  }
}

/// An integer value wrapped to the width of `t` (two's complement); values
/// beyond int64 (and NaN) saturate first.
double wrapInteger(double v, IntegerType t) {
  unsigned w = t.getWidth();
  if (w == 1)
    return v != 0.0 ? 1.0 : 0.0;
  double lim = std::ldexp(1.0, 63);
  v = std::isnan(v) ? 0.0 : std::min(std::max(v, -lim), std::nextafter(lim, 0.0));
  if (w >= 64)
    return t.isUnsigned() && v < 0 ? v + 2 * lim : v;
  uint64_t bits = (uint64_t)(int64_t)v & ((uint64_t(1) << w) - 1);
  if (t.isUnsigned() || !(bits >> (w - 1)))
    return (double)bits;
  return (double)((int64_t)bits - (int64_t(1) << w));
}

Tensor fromAttr(DenseElementsAttr a) {
  Tensor t;
  t.shape = Shape(a.getType().getShape().begin(), a.getType().getShape().end());
  Type e = a.getElementType();
  if (llvm::isa<FloatType>(e)) {
    for (const APFloat &x : a.getValues<APFloat>())
      t.data.push_back((float)x.convertToDouble());
  } else {
    bool isUnsigned = e.isUnsignedInteger() || e.isInteger(1);
    for (const APInt &x : a.getValues<APInt>())
      t.data.push_back((float)(isUnsigned ? (double)x.getZExtValue() : (double)x.getSExtValue()));
  }
  return t;
}
} // namespace

double convertTo(double v, Type t) {
  if (auto ft = llvm::dyn_cast<FloatType>(t)) {
    if (ft.getWidth() >= 32)
      return ft.getWidth() == 32 ? (double)(float)v : v;
    APFloat a(v);
    bool lost;
    a.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    return a.convertToDouble();
  }
  auto it = llvm::dyn_cast<IntegerType>(t);
  if (!it)
    return v;
  return wrapInteger(it.getWidth() == 1 ? v : std::trunc(v), it);
}

void finish(Tensor &y, Value result, std::optional<APFloat> actMin, std::optional<APFloat> actMax) {
  double lo = actMin ? actMin->convertToDouble() : -INFINITY, hi = actMax ? actMax->convertToDouble() : INFINITY;
  Type e = elemOf(result);
  if (auto g = gridOf(e)) {
    fakeQuant(y, *g, lo, hi);
    return;
  }
  if (actMin || actMax)
    for (float &v : y.data)
      v = (float)std::min(std::max((double)v, lo), hi);
  if (auto it = llvm::dyn_cast<IntegerType>(e))
    for (float &v : y.data)
      v = (float)wrapInteger(v, it);
}

} // namespace interp

bool Interpreter::run(const std::vector<Tensor> &inputs, std::vector<Tensor> &outputs, std::string &error,
                      const Observer &observe) {
  llvm::DenseMap<Value, Tensor> env;
  if (inputs.size() != fn.getNumArguments()) {
    error = "expected " + std::to_string(fn.getNumArguments()) + " inputs";
    return false;
  }
  for (auto [i, a] : llvm::enumerate(fn.getArguments()))
    env[a] = inputs[i];
  auto get = [&](Value v) -> const Tensor & {
    if (auto it = env.find(v); it != env.end())
      return it->second;
    return constants.find(v)->second;
  };
  for (Operation &op : fn.getBody().front()) {
    if (auto ret = llvm::dyn_cast<func::ReturnOp>(op)) {
      outputs.clear();
      for (Value v : ret.getOperands())
        outputs.push_back(get(v));
      return true;
    }
    if (auto c = llvm::dyn_cast<arith::ConstantOp>(op)) {
      if (!constants.count(c.getResult()))
        if (auto a = llvm::dyn_cast<DenseElementsAttr>(c.getValue()))
          constants[c.getResult()] = interp::fromAttr(a);
      continue;
    }
    std::string name = op.getName().getStringRef().str();
    for (Value v : op.getOperands())
      if (!env.count(v) && !constants.count(v)) {
        error = "operand of '" + name + "' has no value";
        return false;
      }
    std::vector<Tensor> ys;
    std::string why;
    interp::Eval e = interp::evalCompute(&op, get, ys, why);
    if (e == interp::Eval::notMine)
      e = interp::evalDataMovement(&op, get, ys, why);
    if (e != interp::Eval::done || ys.size() != op.getNumResults()) {
      error = "the reference interpreter does not evaluate '" + name + "'" + (why.empty() ? "" : " (" + why + ")");
      return false;
    }
    for (auto [i, y] : llvm::enumerate(ys)) {
      if (observe)
        observe(&op, i, y);
      env[op.getResult(i)] = std::move(y);
    }
  }
  error = "function without a return";
  return false;
}

} // namespace emlc
