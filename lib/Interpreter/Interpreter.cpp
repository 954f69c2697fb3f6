//===- Interpreter.cpp - reference evaluation of nn-level functions -------===//
//
// Straightforward loops, one per op, in the order and with the formulas of
// the portable C kernels (targets/generic/kernels), in float. See the header
// for how quantized tensors are simulated.
//
//===----------------------------------------------------------------------===//

#include "emlc/Interpreter/Interpreter.h"
#include "dialects/NN/NNDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "llvm/ADT/TypeSwitch.h"
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

using namespace mlir;

namespace emlc {
namespace {
using Shape = std::vector<int64_t>;

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

/// The grid of a quantized element type: scale and zero point per channel of
/// `axis` (-1: per tensor) and the storage range.
struct Grid {
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  int64_t axis = -1, qmin = 0, qmax = 0;
  double scale(int64_t c) const { return scales[axis < 0 ? 0 : c]; }
  int64_t zeroPoint(int64_t c) const { return zeroPoints[axis < 0 ? 0 : c]; }
};
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
/// The channel of flat index i along `axis` of shape s.
int64_t channelOf(const Shape &s, int64_t axis, int64_t i) {
  if (axis < 0)
    return 0;
  int64_t inner = 1;
  for (size_t d = axis + 1; d < s.size(); ++d)
    inner *= s[d];
  return (i / inner) % s[axis];
}
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

/// The result's clamp: a float clamp, or (quantized results) the storage clamp
/// after rounding onto the result grid.
void finish(Tensor &y, Value result, std::optional<APFloat> actMin, std::optional<APFloat> actMax) {
  double lo = actMin ? actMin->convertToDouble() : -INFINITY, hi = actMax ? actMax->convertToDouble() : INFINITY;
  if (auto g = gridOf(elemOf(result))) {
    fakeQuant(y, *g, lo, hi);
    return;
  }
  if (actMin || actMax)
    for (float &v : y.data)
      v = (float)std::min(std::max((double)v, lo), hi);
}

/// Real bias values: an int32 bias of a quantized layer is in units of
/// input scale x weight scale (per output channel).
std::vector<float> biasOf(const Tensor *b, int64_t n, Value input, Value weight) {
  std::vector<float> out(n, 0.0f);
  if (!b)
    return out;
  auto gi = gridOf(elemOf(input)), gw = gridOf(elemOf(weight));
  for (int64_t c = 0; c < n; ++c)
    out[c] = gi && gw ? (float)(b->data[c] * gi->scale(0) * gw->scale(c)) : b->data[c];
  return out;
}

float unaryFn(nn::UnaryKind k, float v, float alpha, float beta) {
  using K = nn::UnaryKind;
  switch (k) {
  case K::relu:
    return v > 0.0f ? v : 0.0f;
  case K::leaky_relu:
    return v >= 0.0f ? v : alpha * v;
  case K::clip:
    return std::min(std::max(v, alpha), beta);
  case K::sigmoid:
    return 1.0f / (1.0f + std::exp(-v));
  case K::hard_sigmoid:
    return std::min(std::max(alpha * v + beta, 0.0f), 1.0f);
  case K::hard_swish:
    return v * std::min(std::max(alpha * v + beta, 0.0f), 1.0f);
  case K::tanh:
    return std::tanh(v);
  case K::elu:
    return v >= 0.0f ? v : alpha * (std::exp(v) - 1.0f);
  case K::selu:
    return v > 0.0f ? beta * v : beta * (alpha * std::exp(v) - alpha);
  case K::exp:
    return std::exp(v);
  case K::log:
    return std::log(v);
  case K::sqrt:
    return std::sqrt(v);
  case K::abs:
    return std::fabs(v);
  case K::neg:
    return -v;
  case K::reciprocal:
    return 1.0f / v;
  case K::floor:
    return std::floor(v);
  case K::ceil:
    return std::ceil(v);
  case K::round:
    return std::nearbyint(v);
  case K::erf:
    return std::erf(v);
  case K::softplus:
    return v > 20.0f ? v : std::log1p(std::exp(v));
  case K::softsign:
    return v / (1.0f + std::fabs(v));
  case K::sin:
    return std::sin(v);
  case K::cos:
    return std::cos(v);
  case K::copy:
    return v;
  }
  return v;
}
float binaryFn(nn::BinaryKind k, float a, float b) {
  using K = nn::BinaryKind;
  switch (k) {
  case K::add:
    return a + b;
  case K::sub:
    return a - b;
  case K::mul:
    return a * b;
  case K::div:
    return a / b;
  case K::min:
    return std::min(a, b);
  case K::max:
    return std::max(a, b);
  case K::pow:
    return std::pow(a, b);
  case K::prelu:
    return a < 0.0f ? a * b : a;
  }
  return a;
}

/// Flat index into a tensor of shape `in` broadcast to `out`, for output index i.
struct Broadcast {
  Shape outStrides, inStrides; // inStrides 0 on broadcast axes
  Broadcast(const Shape &in, const Shape &out) : outStrides(stridesOf(out)), inStrides(out.size(), 0) {
    Shape st = stridesOf(in);
    size_t off = out.size() - in.size();
    for (size_t d = 0; d < in.size(); ++d)
      inStrides[off + d] = in[d] == 1 ? 0 : st[d];
  }
  int64_t operator()(int64_t i) const {
    int64_t r = 0;
    for (size_t d = 0; d < outStrides.size(); ++d) {
      r += (i / outStrides[d]) * inStrides[d];
      i %= outStrides[d];
    }
    return r;
  }
};

Tensor conv2d(nn::Conv2DOp c, const Tensor &x, const Tensor &w, const Tensor *b) {
  int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
  int64_t M = w.shape[0], KH = w.shape[2], KW = w.shape[3];
  Shape ys = shapeOf(c.getOutput());
  int64_t OH = ys[2], OW = ys[3], G = c.getGroups(), cg = C / G, mg = M / G;
  auto st = c.getStrides(), dl = c.getDilations(), pd = c.getPads();
  std::vector<float> bias = biasOf(b, M, c.getInput(), c.getWeight());
  Tensor y = zeros(ys);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m) {
      int64_t g = m / mg;
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double acc = bias[m];
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t kh = 0; kh < KH; ++kh) {
              int64_t ih = oh * st[0] - pd[0] + kh * dl[0];
              if (ih < 0 || ih >= H)
                continue;
              for (int64_t kw = 0; kw < KW; ++kw) {
                int64_t iw = ow * st[1] - pd[1] + kw * dl[1];
                if (iw < 0 || iw >= W)
                  continue;
                acc += (double)x.data[((n * C + g * cg + ci) * H + ih) * W + iw] *
                       w.data[((m * cg + ci) * KH + kh) * KW + kw];
              }
            }
          y.data[((n * M + m) * OH + oh) * OW + ow] = (float)acc;
        }
    }
  return y;
}

Tensor pool2d(nn::Pool2DOp p, const Tensor &x) {
  Shape ys = shapeOf(p.getOutput());
  int64_t NC = x.shape[0] * x.shape[1], H = x.shape[2], W = x.shape[3], OH = ys[2], OW = ys[3];
  auto k = p.getKernel(), st = p.getStrides(), dl = p.getDilations(), pd = p.getPads();
  bool avg = p.getKind() == nn::PoolKind::avg, includePad = p.getCountIncludePad();
  Tensor y = zeros(ys);
  for (int64_t c = 0; c < NC; ++c)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        double acc = avg ? 0.0 : -INFINITY;
        int64_t cnt = 0;
        for (int64_t kh = 0; kh < k[0]; ++kh) {
          int64_t ih = oh * st[0] - pd[0] + kh * dl[0];
          if (ih < -pd[0] || ih >= H + pd[2])
            continue;
          for (int64_t kw = 0; kw < k[1]; ++kw) {
            int64_t iw = ow * st[1] - pd[1] + kw * dl[1];
            if (iw < -pd[1] || iw >= W + pd[3])
              continue;
            bool inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
            if (inside) {
              float v = x.data[(c * H + ih) * W + iw];
              acc = avg ? acc + v : std::max(acc, (double)v);
              ++cnt;
            } else if (avg && includePad) {
              ++cnt;
            }
          }
        }
        y.data[(c * OH + oh) * OW + ow] = (float)(avg ? (cnt ? acc / cnt : 0.0) : acc);
      }
  return y;
}

Tensor reduce(nn::ReduceOp r, const Tensor &x) {
  Shape ys = shapeOf(r.getOutput());
  Tensor y = zeros(ys);
  auto kind = r.getKind();
  double init = kind == nn::ReduceKind::max ? -INFINITY : kind == nn::ReduceKind::min ? INFINITY : 0.0;
  std::vector<double> acc(y.size(), init);
  Shape keep = x.shape;
  for (int64_t a : r.getAxes())
    keep[a] = 1;
  Broadcast to(keep, x.shape); // x index -> reduced index
  for (int64_t i = 0; i < x.size(); ++i) {
    double &a = acc[to(i)];
    double v = x.data[i];
    a = kind == nn::ReduceKind::max ? std::max(a, v) : kind == nn::ReduceKind::min ? std::min(a, v) : a + v;
  }
  double count = (double)x.size() / std::max<int64_t>(y.size(), 1);
  for (int64_t i = 0; i < y.size(); ++i)
    y.data[i] = (float)(kind == nn::ReduceKind::mean ? acc[i] / count : acc[i]);
  return y;
}

Tensor softmax(nn::SoftmaxOp s, const Tensor &x) {
  Tensor y = x;
  int64_t axis = s.getAxis(), D = x.shape[axis], inner = 1;
  for (size_t d = axis + 1; d < x.shape.size(); ++d)
    inner *= x.shape[d];
  int64_t outer = x.size() / (D * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      auto at = [&](int64_t k) { return (o * D + k) * inner + in; };
      double mx = -INFINITY, sum = 0;
      for (int64_t k = 0; k < D; ++k)
        mx = std::max(mx, (double)x.data[at(k)]);
      for (int64_t k = 0; k < D; ++k)
        sum += std::exp(x.data[at(k)] - mx);
      for (int64_t k = 0; k < D; ++k)
        y.data[at(k)] = (float)(s.getLog() ? x.data[at(k)] - mx - std::log(sum) : std::exp(x.data[at(k)] - mx) / sum);
    }
  return y;
}

Tensor transpose(ArrayRef<int64_t> perm, const Tensor &x, const Shape &ys) {
  Tensor y = zeros(ys);
  Shape xst = stridesOf(x.shape), yst = stridesOf(ys);
  for (int64_t i = 0; i < y.size(); ++i) {
    int64_t rem = i, src = 0;
    for (size_t d = 0; d < ys.size(); ++d) {
      src += (rem / yst[d]) * xst[perm[d]];
      rem %= yst[d];
    }
    y.data[i] = x.data[src];
  }
  return y;
}
} // namespace

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
          constants[c.getResult()] = fromAttr(a);
      continue;
    }
    for (Value v : op.getOperands())
      if (!env.count(v) && !constants.count(v)) {
        error = "operand of '" + op.getName().getStringRef().str() + "' has no value";
        return false;
      }
    std::optional<Tensor> y;
    Value r0 = op.getNumResults() ? op.getResult(0) : Value();
    llvm::TypeSwitch<Operation *>(&op)
        .Case([&](nn::Conv2DOp c) {
          y = conv2d(c, get(c.getInput()), get(c.getWeight()), c.getBias() ? &get(c.getBias()) : nullptr);
          finish(*y, r0, c.getActMin(), c.getActMax());
        })
        .Case([&](nn::FullyConnectedOp f) {
          const Tensor &x = get(f.getInput()), &w = get(f.getWeight());
          int64_t M = x.shape[0], K = x.shape[1], N = w.shape[0];
          std::vector<float> bias = biasOf(f.getBias() ? &get(f.getBias()) : nullptr, N, f.getInput(), f.getWeight());
          y = zeros(shapeOf(r0));
          for (int64_t m = 0; m < M; ++m)
            for (int64_t n = 0; n < N; ++n) {
              double acc = bias[n];
              for (int64_t k = 0; k < K; ++k)
                acc += (double)x.data[m * K + k] * w.data[n * K + k];
              y->data[m * N + n] = (float)acc;
            }
          finish(*y, r0, f.getActMin(), f.getActMax());
        })
        .Case([&](nn::MatMulOp mm) {
          const Tensor &a = get(mm.getLhs()), &b = get(mm.getRhs());
          Shape ys = shapeOf(r0);
          int64_t M = a.shape[a.shape.size() - 2], K = a.shape.back(), N = b.shape.back();
          Shape batch(ys.begin(), ys.end() - 2), ab(a.shape.begin(), a.shape.end() - 2),
              bb(b.shape.begin(), b.shape.end() - 2);
          Broadcast ba(ab, batch), bbb(bb, batch);
          y = zeros(ys);
          for (int64_t t = 0; t < numel(batch); ++t)
            for (int64_t m = 0; m < M; ++m)
              for (int64_t n = 0; n < N; ++n) {
                double acc = 0;
                for (int64_t k = 0; k < K; ++k)
                  acc += (double)a.data[ba(t) * M * K + m * K + k] * b.data[bbb(t) * K * N + k * N + n];
                y->data[(t * M + m) * N + n] = (float)acc;
              }
          finish(*y, r0, std::nullopt, std::nullopt);
        })
        .Case([&](nn::UnaryOp u) {
          y = get(u.getInput());
          float alpha = u.getAlpha().convertToFloat(), beta = u.getBeta().convertToFloat();
          bool quantized = gridOf(elemOf(r0)).has_value();
          if (quantized && u.getKind() == nn::UnaryKind::clip) { // clamp in storage units
            finish(*y, r0, APFloat(alpha), APFloat(beta));
          } else {
            for (float &v : y->data)
              v = unaryFn(u.getKind(), v, alpha, beta);
            finish(*y, r0, std::nullopt, std::nullopt);
          }
        })
        .Case([&](nn::BinaryOp b) {
          const Tensor &l = get(b.getLhs()), &r = get(b.getRhs());
          Shape ys = shapeOf(r0);
          Broadcast bl(l.shape, ys), br(r.shape, ys);
          y = zeros(ys);
          for (int64_t i = 0; i < y->size(); ++i)
            y->data[i] = binaryFn(b.getKind(), l.data[bl(i)], r.data[br(i)]);
          finish(*y, r0, b.getActMin(), b.getActMax());
        })
        .Case([&](nn::Pool2DOp p) {
          y = pool2d(p, get(p.getInput()));
          finish(*y, r0, std::nullopt, std::nullopt);
        })
        .Case([&](nn::ReduceOp r) {
          y = reduce(r, get(r.getInput()));
          finish(*y, r0, std::nullopt, std::nullopt);
        })
        .Case([&](nn::SoftmaxOp s) {
          y = softmax(s, get(s.getInput()));
          finish(*y, r0, std::nullopt, std::nullopt);
        })
        .Case([&](nn::TransposeOp t) { y = transpose(t.getPerm(), get(t.getInput()), shapeOf(r0)); })
        .Case([&](nn::ReshapeOp r) {
          y = get(r.getInput());
          y->shape = shapeOf(r0);
        })
        .Case([&](nn::ConcatOp c) {
          Shape ys = shapeOf(r0);
          int64_t axis = c.getAxis(), inner = 1, outer = 1;
          for (size_t d = axis + 1; d < ys.size(); ++d)
            inner *= ys[d];
          for (int64_t d = 0; d < axis; ++d)
            outer *= ys[d];
          y = zeros(ys);
          int64_t at = 0;
          for (Value v : c.getInputs()) {
            const Tensor &x = get(v);
            int64_t block = x.shape[axis] * inner;
            for (int64_t o = 0; o < outer; ++o)
              std::copy_n(x.data.begin() + o * block, block, y->data.begin() + o * ys[axis] * inner + at);
            at += block;
          }
          finish(*y, r0, std::nullopt, std::nullopt);
        })
        .Case([&](nn::SliceOp s) {
          const Tensor &x = get(s.getInput());
          Shape ys = shapeOf(r0), xst = stridesOf(x.shape), yst = stridesOf(ys);
          y = zeros(ys);
          for (int64_t i = 0; i < y->size(); ++i) {
            int64_t rem = i, src = 0;
            for (size_t d = 0; d < ys.size(); ++d) {
              src += (s.getStarts()[d] + (rem / yst[d]) * s.getSteps()[d]) * xst[d];
              rem %= yst[d];
            }
            y->data[i] = x.data[src];
          }
        })
        .Case([&](nn::PadOp p) {
          if (p.getMode() != "constant")
            return;
          const Tensor &x = get(p.getInput());
          Shape ys = shapeOf(r0), xst = stridesOf(x.shape), yst = stridesOf(ys);
          size_t rank = ys.size();
          y = zeros(ys);
          std::fill(y->data.begin(), y->data.end(), p.getValue().convertToFloat());
          for (int64_t i = 0; i < x.size(); ++i) {
            int64_t rem = i, dst = 0;
            for (size_t d = 0; d < rank; ++d) {
              dst += (rem / xst[d] + p.getPads()[d]) * yst[d];
              rem %= xst[d];
            }
            y->data[dst] = x.data[i];
          }
        })
        .Case([&](nn::CastOp c) {
          if (llvm::isa<FloatType>(elemOf(c.getInput())) && llvm::isa<FloatType>(elemOf(r0)))
            y = get(c.getInput());
        })
        .Case([&](quant::QuantizeCastOp q) {
          y = get(q.getArg());
          finish(*y, r0, std::nullopt, std::nullopt);
        })
        .Case([&](quant::DequantizeCastOp d) { y = get(d.getArg()); })
        .Case([&](quant::StorageCastOp s) {
          // Integers <-> the real values they stand for.
          y = get(s.getArg());
          if (auto g = gridOf(elemOf(r0))) {
            for (int64_t i = 0; i < y->size(); ++i) {
              int64_t c = channelOf(y->shape, g->axis, i);
              y->data[i] = (float)((y->data[i] - g->zeroPoint(c)) * g->scale(c));
            }
          } else if (auto g = gridOf(elemOf(s.getArg()))) {
            for (int64_t i = 0; i < y->size(); ++i) {
              int64_t c = channelOf(y->shape, g->axis, i);
              y->data[i] = (float)(std::round(y->data[i] / g->scale(c)) + g->zeroPoint(c));
            }
          }
        })
        .Default([](Operation *) {});
    if (!y) {
      error = "the reference interpreter does not evaluate '" + op.getName().getStringRef().str() + "'" +
              (llvm::isa<nn::PadOp>(op) ? " in this mode" : "") + " yet";
      return false;
    }
    if (observe)
      observe(&op, 0, *y);
    env[r0] = std::move(*y);
  }
  error = "function without a return";
  return false;
}

} // namespace emlc
