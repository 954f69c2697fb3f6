//===- EvalCompute.cpp - the interpreter's arithmetic ops -----------------===//
//
// Convolutions (conv_transpose2d scatters each input pixel, as its kernel
// does), fully connected, matmul, elementwise ops (integer ones with C's
// truncating division), pooling, reductions, softmax and normalize: straight
// loops with the formulas of targets/generic/kernels, accumulating in double.
//
//===----------------------------------------------------------------------===//

#include "Eval.h"
#include "dialects/NN/NNDialect.h"
#include "llvm/ADT/TypeSwitch.h"
#include <algorithm>
#include <cmath>

using namespace mlir;

namespace emlc::interp {
namespace {

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

/// The typed integer kernels (typed.c): exact sums and products (wrapped to
/// the type by `finish`), division truncating toward zero with x / 0 = 0,
/// `(T)pow((double)a, (double)b)`.
double integerBinaryFn(nn::BinaryKind k, double a, double b) {
  using K = nn::BinaryKind;
  switch (k) {
  case K::add:
    return a + b;
  case K::sub:
    return a - b;
  case K::mul:
    return a * b;
  case K::div:
    return b != 0 ? std::trunc(a / b) : 0.0;
  case K::pow:
    return std::trunc(std::pow(a, b));
  default:
    return binaryFn(k, (float)a, (float)b);
  }
}

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

/// Scatters each input pixel through the kernel (w is [C][M/groups][KH][KW]);
/// pads (top, left) crop the full output at its start.
Tensor convTranspose2d(nn::ConvTranspose2DOp c, const Tensor &x, const Tensor &w, const Tensor *b) {
  int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
  int64_t KH = w.shape[2], KW = w.shape[3];
  Shape ys = shapeOf(c.getOutput());
  int64_t M = ys[1], OH = ys[2], OW = ys[3], cg = C / c.getGroups(), mg = M / c.getGroups();
  auto st = c.getStrides(), dl = c.getDilations(), pd = c.getPads();
  std::vector<float> bias = biasOf(b, M, c.getInput(), c.getWeight());
  std::vector<double> acc(numel(ys));
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t m = 0; m < M; ++m)
      std::fill_n(acc.begin() + (n * M + m) * OH * OW, OH * OW, (double)bias[m]);
    for (int64_t ci = 0; ci < C; ++ci) {
      int64_t g = ci / cg;
      for (int64_t m = 0; m < mg; ++m) {
        double *ym = acc.data() + (n * M + g * mg + m) * OH * OW;
        for (int64_t ih = 0; ih < H; ++ih)
          for (int64_t iw = 0; iw < W; ++iw) {
            double v = x.data[((n * C + ci) * H + ih) * W + iw];
            for (int64_t kh = 0; kh < KH; ++kh) {
              int64_t oh = ih * st[0] + kh * dl[0] - pd[0];
              if (oh < 0 || oh >= OH)
                continue;
              for (int64_t kw = 0; kw < KW; ++kw) {
                int64_t ow = iw * st[1] + kw * dl[1] - pd[1];
                if (ow >= 0 && ow < OW)
                  ym[oh * OW + ow] += v * w.data[((ci * mg + m) * KH + kh) * KW + kw];
              }
            }
          }
      }
    }
  }
  Tensor y = zeros(ys);
  std::copy(acc.begin(), acc.end(), y.data.begin());
  return y;
}

Tensor fullyConnected(nn::FullyConnectedOp f, const Tensor &x, const Tensor &w, const Tensor *b) {
  int64_t M = x.shape[0], K = x.shape[1], N = w.shape[0];
  std::vector<float> bias = biasOf(b, N, f.getInput(), f.getWeight());
  Tensor y = zeros(shapeOf(f.getOutput()));
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      double acc = bias[n];
      for (int64_t k = 0; k < K; ++k)
        acc += (double)x.data[m * K + k] * w.data[n * K + k];
      y.data[m * N + n] = (float)acc;
    }
  return y;
}

Tensor matmul(nn::MatMulOp mm, const Tensor &a, const Tensor &b) {
  Shape ys = shapeOf(mm.getOutput());
  int64_t M = a.shape[a.shape.size() - 2], K = a.shape.back(), N = b.shape.back();
  Shape batch(ys.begin(), ys.end() - 2), ab(a.shape.begin(), a.shape.end() - 2), bb(b.shape.begin(), b.shape.end() - 2);
  Broadcast ba(ab, batch), bbb(bb, batch);
  Tensor y = zeros(ys);
  for (int64_t t = 0; t < numel(batch); ++t)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        double acc = 0;
        for (int64_t k = 0; k < K; ++k)
          acc += (double)a.data[ba(t) * M * K + m * K + k] * b.data[bbb(t) * K * N + k * N + n];
        y.data[(t * M + m) * N + n] = (float)acc;
      }
  return y;
}

Tensor binary(nn::BinaryOp b, const Tensor &l, const Tensor &r) {
  Shape ys = shapeOf(b.getOutput());
  Broadcast bl(l.shape, ys), br(r.shape, ys);
  bool integer = llvm::isa<IntegerType>(elemOf(b.getOutput()));
  Tensor y = zeros(ys);
  for (int64_t i = 0; i < y.size(); ++i)
    y.data[i] = integer ? (float)integerBinaryFn(b.getKind(), l.data[bl(i)], r.data[br(i)])
                        : binaryFn(b.getKind(), l.data[bl(i)], r.data[br(i)]);
  return y;
}

/// Max pooling ignores padded positions (an all-padding window gives 0, as
/// the kernel's); average pooling divides by the positions inside, plus the
/// explicit pads with count_include_pad.
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
        y.data[(c * OH + oh) * OW + ow] = (float)(!cnt ? 0.0 : avg ? acc / cnt : acc);
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

/// (x - mean) / sqrt(var + epsilon) over each block of the axes from `axis`
/// on (population variance), with each block's mean and 1 / sqrt(var + eps).
std::vector<Tensor> normalize(nn::NormalizeOp n, const Tensor &x) {
  int64_t axis = n.getAxis(), block = 1;
  for (size_t d = axis; d < x.shape.size(); ++d)
    block *= x.shape[d];
  int64_t outer = block ? x.size() / block : 0;
  double eps = n.getEpsilon().convertToDouble();
  Tensor y = zeros(x.shape), mean = zeros(shapeOf(n.getMean())), inv = zeros(shapeOf(n.getInvStdDev()));
  for (int64_t o = 0; o < outer; ++o) {
    const float *xp = x.data.data() + o * block;
    double m = 0, var = 0;
    for (int64_t i = 0; i < block; ++i)
      m += xp[i];
    m /= (double)block;
    for (int64_t i = 0; i < block; ++i)
      var += (xp[i] - m) * (xp[i] - m);
    var /= (double)block;
    double r = 1.0 / std::sqrt(var + eps);
    mean.data[o] = (float)m, inv.data[o] = (float)r;
    for (int64_t i = 0; i < block; ++i)
      y.data[o * block + i] = (float)((xp[i] - m) * r);
  }
  return {std::move(y), std::move(mean), std::move(inv)};
}

/// An optional operand's value, or null.
const Tensor *optional(Operands get, Value v) { return v ? &get(v) : nullptr; }

} // namespace

Eval evalCompute(Operation *op, Operands get, std::vector<Tensor> &ys, std::string &why) {
  (void)why;
  Value r0 = op->getNumResults() ? op->getResult(0) : Value();
  auto one = [&](Tensor y, std::optional<APFloat> lo = std::nullopt, std::optional<APFloat> hi = std::nullopt) {
    finish(y, r0, lo, hi);
    ys.push_back(std::move(y));
    return Eval::done;
  };
  return llvm::TypeSwitch<Operation *, Eval>(op)
      .Case([&](nn::Conv2DOp c) {
        return one(conv2d(c, get(c.getInput()), get(c.getWeight()), optional(get, c.getBias())), c.getActMin(),
                   c.getActMax());
      })
      .Case([&](nn::ConvTranspose2DOp c) {
        return one(convTranspose2d(c, get(c.getInput()), get(c.getWeight()), optional(get, c.getBias())));
      })
      .Case([&](nn::FullyConnectedOp f) {
        return one(fullyConnected(f, get(f.getInput()), get(f.getWeight()), optional(get, f.getBias())), f.getActMin(),
                   f.getActMax());
      })
      .Case([&](nn::MatMulOp m) { return one(matmul(m, get(m.getLhs()), get(m.getRhs()))); })
      .Case([&](nn::UnaryOp u) {
        Tensor y = get(u.getInput());
        float alpha = u.getAlpha().convertToFloat(), beta = u.getBeta().convertToFloat();
        if (gridOf(elemOf(r0)) && u.getKind() == nn::UnaryKind::clip) // clamp in storage units
          return one(std::move(y), APFloat(alpha), APFloat(beta));
        for (float &v : y.data)
          v = unaryFn(u.getKind(), v, alpha, beta);
        return one(std::move(y));
      })
      .Case([&](nn::BinaryOp b) {
        return one(binary(b, get(b.getLhs()), get(b.getRhs())), b.getActMin(), b.getActMax());
      })
      .Case([&](nn::Pool2DOp p) { return one(pool2d(p, get(p.getInput()))); })
      .Case([&](nn::ReduceOp r) { return one(reduce(r, get(r.getInput()))); })
      .Case([&](nn::SoftmaxOp s) { return one(softmax(s, get(s.getInput()))); })
      .Case([&](nn::NormalizeOp n) {
        ys = normalize(n, get(n.getInput()));
        for (auto [y, r] : llvm::zip(ys, n->getResults()))
          finish(y, r);
        return Eval::done;
      })
      .Default([](Operation *) { return Eval::notMine; });
}

} // namespace emlc::interp
