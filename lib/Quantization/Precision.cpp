//===- Precision.cpp - weight precisions of quantized layers ---------------===//

#include "emlc/Quantization/Precision.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include <algorithm>
#include <cmath>

using namespace mlir;

namespace emlc {

const char *precisionName(WeightPrecision p) {
  switch (p) {
  case WeightPrecision::Int8:
    return "int8";
  case WeightPrecision::Int4:
    return "int4";
  case WeightPrecision::Int2:
    return "int2";
  case WeightPrecision::Ternary:
    return "ternary";
  }
  return "?";
}

std::optional<WeightPrecision> parsePrecision(const std::string &s) {
  for (WeightPrecision p : kWeightPrecisions)
    if (s == precisionName(p))
      return p;
  if (s == "t")
    return WeightPrecision::Ternary;
  for (WeightPrecision p : {WeightPrecision::Int8, WeightPrecision::Int4, WeightPrecision::Int2})
    if (s == std::to_string(storageBits(p)))
      return p;
  return std::nullopt;
}

int storageBits(WeightPrecision p) {
  switch (p) {
  case WeightPrecision::Int8:
    return 8;
  case WeightPrecision::Int4:
    return 4;
  default:
    return 2;
  }
}

int64_t valueMin(WeightPrecision p) { return p == WeightPrecision::Int2 ? -2 : -valueMax(p); }
int64_t valueMax(WeightPrecision p) {
  switch (p) {
  case WeightPrecision::Int8:
    return 127;
  case WeightPrecision::Int4:
    return 7;
  default:
    return 1;
  }
}

int64_t packedBytes(WeightPrecision p, int64_t rows, int64_t perRow) {
  int per = 8 / storageBits(p);
  return rows * ((perRow + per - 1) / per);
}

Type weightType(MLIRContext *ctx, WeightPrecision p, const std::vector<double> &scales) {
  int bits = storageBits(p);
  int64_t lo = p == WeightPrecision::Ternary ? -1 : -(int64_t(1) << (bits - 1));
  int64_t hi = p == WeightPrecision::Ternary ? 1 : (int64_t(1) << (bits - 1)) - 1;
  std::vector<int64_t> zps(scales.size(), 0);
  return quant::UniformQuantizedPerAxisType::get(quant::QuantizationFlags::Signed, IntegerType::get(ctx, bits),
                                                 Float32Type::get(ctx), scales, zps, 0, lo, hi);
}

std::optional<WeightPrecision> precisionOf(Type t) {
  auto q = llvm::dyn_cast<quant::QuantizedType>(t);
  if (!q || !q.isSigned())
    return std::nullopt;
  switch (q.getStorageTypeIntegralWidth()) {
  case 8:
    return WeightPrecision::Int8;
  case 4:
    return WeightPrecision::Int4;
  case 2:
    return q.getStorageTypeMin() == -1 ? WeightPrecision::Ternary : WeightPrecision::Int2;
  default:
    return std::nullopt;
  }
}

std::optional<LayerPrecision> parseLayerPrecision(const std::string &s, std::string &error) {
  if (s == "float")
    return LayerPrecision{WeightPrecision::Int8, 32, true};
  size_t a = s.find('a');
  std::optional<WeightPrecision> w;
  if (s.size() > 1 && s[0] == 'w' && a != std::string::npos)
    w = parsePrecision(s.substr(1, a - 1));
  std::string act = a == std::string::npos ? "" : s.substr(a + 1);
  if (w && act == "16" && *w != WeightPrecision::Int8) {
    error = "'" + s + "': int16 activations take int8 weights (TFLite's 16x8 kernels): write w8a16";
    return std::nullopt;
  }
  if (!w || (act != "8" && act != "16")) {
    error = "'" + s + "' is not a layer precision: write wNa8 with N = 8, 4, 2 or t (ternary), e.g. w4a8, or " +
            "w8a16 (int16 activations), or float";
    return std::nullopt;
  }
  return LayerPrecision{*w, act == "16" ? 16 : 8};
}

namespace {
/// Rounds one channel onto the grid of step `s`; the squared error.
double roundChannel(const float *w, int64_t n, double s, int64_t lo, int64_t hi, int64_t *out) {
  double err = 0;
  for (int64_t i = 0; i < n; ++i) {
    double q = std::min<double>((double)hi, std::max<double>((double)lo, std::round(w[i] / s)));
    if (out)
      out[i] = (int64_t)q;
    double d = w[i] - q * s;
    err += d * d;
  }
  return err;
}
} // namespace

ChannelQuantized quantizePerChannel(DenseElementsAttr weights, WeightPrecision p) {
  int64_t n = weights.getType().getShape()[0], inner = n ? weights.getNumElements() / n : 0;
  std::vector<float> v;
  v.reserve(weights.getNumElements());
  for (const APFloat &x : weights.getValues<APFloat>())
    v.push_back((float)x.convertToDouble());
  ChannelQuantized q;
  q.values.resize(v.size());
  int64_t lo = valueMin(p), hi = valueMax(p);
  for (int64_t c = 0; c < n; ++c) {
    const float *w = v.data() + c * inner;
    float amax = 0;
    for (int64_t i = 0; i < inner; ++i)
      amax = std::max(amax, std::fabs(w[i]));
    double best = amax > 0 ? (double)(float)(amax / (float)hi) : 1.0;
    if (p != WeightPrecision::Int8 && amax > 0) {
      // Clipping sweep: steps from max|w|/hi down to a fifth of it.
      double bestErr = roundChannel(w, inner, best, lo, hi, nullptr);
      for (int i = 1; i <= 40; ++i) {
        double s = (double)(float)(amax / hi * (1.0 - 0.02 * i));
        double err = roundChannel(w, inner, s, lo, hi, nullptr);
        if (err < bestErr)
          bestErr = err, best = s;
      }
    }
    q.scales.push_back(best);
    roundChannel(w, inner, best, lo, hi, q.values.data() + c * inner);
  }
  return q;
}

} // namespace emlc
