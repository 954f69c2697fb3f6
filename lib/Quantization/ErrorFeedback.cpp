//===- ErrorFeedback.cpp - low-bit weights that keep the layer's outputs ---===//
//
// See ErrorFeedback.h. Dense linear algebra in double on K x K matrices (K =
// a layer's inputs per output: at most a few thousand on these models).
//
//===----------------------------------------------------------------------===//

#include "emlc/Quantization/ErrorFeedback.h"
#include "dialects/NN/NNDialect.h"
#include "emlc/Interpreter/LayerInputs.h"
#include "mlir/IR/BuiltinTypes.h"
#include <algorithm>
#include <cmath>

using namespace mlir;

namespace emlc {

namespace {

/// Adds the rank-1 update v v^T to the upper triangle of the K x K matrix h.
void addOuter(std::vector<double> &h, const std::vector<double> &v) {
  size_t K = v.size();
  for (size_t i = 0; i < K; ++i) {
    if (v[i] == 0)
      continue;
    double *row = h.data() + i * K;
    for (size_t j = i; j < K; ++j)
      row[j] += v[i] * v[j];
  }
}

/// U with H^-1 = U^T U (upper triangular), from the full symmetric H; empty if H is singular.
std::vector<double> inverseUpperFactor(std::vector<double> h, int64_t K) {
  if (!cholesky(h, K)) // h = L L^T
    return {};
  // Linv = L^-1 (lower), then Hinv = Linv^T Linv.
  std::vector<double> li(K * K, 0.0);
  for (int64_t i = 0; i < K; ++i) {
    li[i * K + i] = 1.0 / h[i * K + i];
    for (int64_t j = 0; j < i; ++j) {
      double s = 0;
      for (int64_t k = j; k < i; ++k)
        s += h[i * K + k] * li[k * K + j];
      li[i * K + j] = -s / h[i * K + i];
    }
  }
  std::vector<double> inv(K * K, 0.0);
  for (int64_t i = 0; i < K; ++i)
    for (int64_t j = 0; j <= i; ++j) {
      double s = 0;
      for (int64_t k = i; k < K; ++k)
        s += li[k * K + i] * li[k * K + j];
      inv[i * K + j] = inv[j * K + i] = s;
    }
  if (!cholesky(inv, K)) // inv = C C^T; U = C^T
    return {};
  std::vector<double> u(K * K, 0.0);
  for (int64_t i = 0; i < K; ++i)
    for (int64_t j = i; j < K; ++j)
      u[i * K + j] = inv[j * K + i];
  return u;
}

} // namespace

/// Lower Cholesky factor of the symmetric positive definite a (in place); false if not.
bool cholesky(std::vector<double> &a, int64_t K) {
  for (int64_t j = 0; j < K; ++j) {
    double d = a[j * K + j];
    for (int64_t k = 0; k < j; ++k)
      d -= a[j * K + k] * a[j * K + k];
    if (!(d > 0))
      return false;
    d = std::sqrt(d);
    a[j * K + j] = d;
    for (int64_t i = j + 1; i < K; ++i) {
      double s = a[i * K + j];
      for (int64_t k = 0; k < j; ++k)
        s -= a[i * K + k] * a[j * K + k];
      a[i * K + j] = s / d;
    }
    for (int64_t i = 0; i < j; ++i)
      a[i * K + j] = 0;
  }
  return true;
}

bool collectInputMoments(func::FuncOp fn, const std::vector<WeightedLayer> &layers, const std::vector<Tensor> &samples,
                         int64_t positions, LayerMoments &moments, std::string &error) {
  DenseMap<Value, std::vector<size_t>> readers; // a layer input -> the layers reading it
  std::vector<LayerInputRows> rows;
  for (size_t l = 0; l < layers.size(); ++l) {
    readers[layers[l].op->getOperand(0)].push_back(l);
    rows.emplace_back(layers[l].op);
  }
  Interpreter interp(fn);
  auto accumulate = [&](size_t l, const Tensor &x) {
    std::vector<std::vector<double>> &h = moments[layers[l].id];
    h.resize(rows[l].groups, std::vector<double>(rows[l].K * rows[l].K, 0.0));
    rows[l].forEach(x, positions, [&](int64_t g, const std::vector<double> &v) { addOuter(h[g], v); });
  };
  for (const Tensor &s : samples) {
    for (size_t l : readers.lookup(fn.getArgument(0)))
      accumulate(l, s);
    std::vector<Tensor> outs;
    bool ok = interp.run({s}, outs, error, [&](Operation *op, unsigned r, const Tensor &t) {
      auto it = readers.find(op->getResult(r));
      if (it != readers.end())
        for (size_t l : it->second)
          accumulate(l, t);
    });
    if (!ok)
      return false;
  }
  for (auto &[id, groups] : moments) // the upper triangles, mirrored
    for (std::vector<double> &h : groups) {
      int64_t K = (int64_t)std::lround(std::sqrt((double)h.size()));
      for (int64_t i = 0; i < K; ++i)
        for (int64_t j = 0; j < i; ++j)
          h[i * K + j] = h[j * K + i];
    }
  return true;
}

void addMoments(LayerMoments &to, const LayerMoments &from) {
  for (const auto &[id, groups] : from) {
    std::vector<std::vector<double>> &dst = to[id];
    dst.resize(groups.size());
    for (size_t g = 0; g < groups.size(); ++g) {
      dst[g].resize(groups[g].size(), 0.0);
      for (size_t i = 0; i < groups[g].size(); ++i)
        dst[g][i] += groups[g][i];
    }
  }
}

ChannelQuantized quantizeWithFeedback(DenseElementsAttr weights, WeightPrecision p,
                                      const std::vector<std::vector<double>> &moments) {
  ChannelQuantized q = quantizePerChannel(weights, p); // the scales, and each weight rounded alone
  const ChannelQuantized nearest = q;
  int64_t M = weights.getType().getShape()[0], K = M ? weights.getNumElements() / M : 0;
  int64_t groups = (int64_t)moments.size(), mg = groups ? M / groups : 0;
  std::vector<double> w;
  for (const APFloat &x : weights.getValues<APFloat>())
    w.push_back(x.convertToDouble());
  const std::vector<double> original = w;
  // The layer's output error on the calibration inputs from one row: e H e^T.
  auto outputError = [&](const std::vector<double> &h, int64_t m, const std::vector<int64_t> &values) {
    std::vector<double> e(K);
    for (int64_t k = 0; k < K; ++k)
      e[k] = original[m * K + k] - (double)values[m * K + k] * q.scales[m];
    double sum = 0;
    for (int64_t i = 0; i < K; ++i) {
      double r = 0;
      for (int64_t j = 0; j < K; ++j)
        r += h[i * K + j] * e[j];
      sum += e[i] * r;
    }
    return sum;
  };
  int64_t lo = valueMin(p), hi = valueMax(p);
  for (int64_t g = 0; g < groups; ++g) {
    std::vector<double> h = moments[g];
    if ((int64_t)h.size() != K * K)
      continue; // not this layer's shape: keep nearest rounding
    double mean = 0;
    for (int64_t k = 0; k < K; ++k)
      mean += h[k * K + k] / K;
    for (int64_t k = 0; k < K; ++k)
      if (h[k * K + k] == 0) { // an input that is always 0: its weights do not matter
        h[k * K + k] = 1;
        for (int64_t m = g * mg; m < (g + 1) * mg; ++m)
          w[m * K + k] = 0;
      }
    std::vector<double> u;
    for (double damp = 0.01; u.empty() && damp < 10; damp *= 10) { // dampening: H + damp * mean(diag) I
      std::vector<double> hd = h;
      for (int64_t k = 0; k < K; ++k)
        hd[k * K + k] += damp * std::max(mean, 1e-12);
      u = inverseUpperFactor(std::move(hd), K);
    }
    if (u.empty())
      continue;
    for (int64_t k = 0; k < K; ++k) {
      double d = u[k * K + k];
      for (int64_t m = g * mg; m < (g + 1) * mg; ++m) {
        double s = q.scales[m], *row = w.data() + m * K;
        double v = std::min<double>((double)hi, std::max<double>((double)lo, std::round(row[k] / s)));
        q.values[m * K + k] = (int64_t)v;
        double e = (row[k] - v * s) / d;
        for (int64_t j = k + 1; j < K; ++j)
          row[j] -= e * u[k * K + j];
      }
    }
    // Feedback can lose where the grid clips hard (2 bits): each row keeps
    // whichever rounding leaves the smaller output error.
    for (int64_t m = g * mg; m < (g + 1) * mg; ++m)
      if (outputError(moments[g], m, nearest.values) < outputError(moments[g], m, q.values))
        std::copy_n(nearest.values.begin() + m * K, K, q.values.begin() + m * K);
  }
  return q;
}

const ChannelQuantized &WeightQuantizer::get(int64_t id, DenseElementsAttr weights, WeightPrecision p) {
  auto key = std::make_pair(id, p);
  auto it = cache.find(key);
  if (it != cache.end())
    return it->second;
  auto m = moments && p != WeightPrecision::Int8 ? moments->find(id) : LayerMoments::const_iterator();
  bool feedback = moments && p != WeightPrecision::Int8 && m != moments->end();
  return cache[key] = feedback ? quantizeWithFeedback(weights, p, m->second) : quantizePerChannel(weights, p);
}

} // namespace emlc
