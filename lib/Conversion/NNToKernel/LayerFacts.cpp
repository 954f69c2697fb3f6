//===- LayerFacts.cpp - what kernel variants read off a layer -------------===//

#include "emlc/Conversion/NNToKernel/LayerFacts.h"
#include "dialects/Kernel/KernelDialect.h"
#include "emlc/Support/ConstantUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include <cmath>

using namespace mlir;

namespace emlc {

Type storageOf(Type t) {
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(t))
    return q.getStorageType();
  return t;
}

DenseElementsAttr constantStorage(Value v) {
  if (auto s = v.getDefiningOp<quant::StorageCastOp>())
    v = s.getArg();
  auto c = v.getDefiningOp<arith::ConstantOp>();
  return c ? llvm::dyn_cast<DenseElementsAttr>(c.getValue()) : DenseElementsAttr();
}

SmallVector<int64_t> shapeOf(Value v) { return SmallVector<int64_t>(llvm::cast<ShapedType>(v.getType()).getShape()); }
Type elemOf(Value v) { return llvm::cast<ShapedType>(v.getType()).getElementType(); }

std::string typeSuffix(Type t) {
  t = storageOf(t);
  if (t.isF32())
    return "f32";
  if (t.isF64())
    return "f64";
  if (t.isF16())
    return "f16";
  if (auto it = llvm::dyn_cast<IntegerType>(t))
    return (it.isUnsigned() ? "u" : "i") + std::to_string(it.getWidth());
  return "?";
}

bool isTypedSuffix(const std::string &s) {
  static const char *all[] = {"f32", "f64", "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64"};
  return llvm::is_contained(all, s);
}

SmallVector<int64_t> pad6(ArrayRef<int64_t> s, int64_t fill) {
  SmallVector<int64_t> out(kMaxRank - s.size(), fill);
  out.append(s.begin(), s.end());
  return out;
}

SmallVector<int64_t> broadcastStrides(ArrayRef<int64_t> in, ArrayRef<int64_t> out) {
  SmallVector<int64_t> p = pad6(in), st = rowMajorStrides(p);
  (void)out;
  for (int d = 0; d < kMaxRank; ++d)
    if (p[d] == 1) // broadcast, or a unit axis never stepped: 0 keeps tables shareable
      st[d] = 0;
  return st;
}

int64_t product(ArrayRef<int64_t> s, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t i = from; i < s.size() && i < to; ++i)
    p *= s[i];
  return p;
}

std::vector<float> scalesOf(Type t) {
  if (auto u = llvm::dyn_cast<quant::UniformQuantizedType>(t))
    return {(float)u.getScale()};
  auto a = llvm::cast<quant::UniformQuantizedPerAxisType>(t);
  return std::vector<float>(a.getScales().begin(), a.getScales().end());
}

int64_t zeroPointOf(Type t) { return llvm::cast<quant::UniformQuantizedType>(t).getZeroPoint(); }

unsigned quantizedBits(Type t) {
  auto q = llvm::dyn_cast<quant::QuantizedType>(t);
  return q ? q.getStorageTypeIntegralWidth() : 0;
}

SmallVector<int64_t> zeroPointsOf(Type t) {
  if (auto a = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(t))
    return SmallVector<int64_t>(a.getZeroPoints().begin(), a.getZeroPoints().end());
  return {zeroPointOf(t)};
}

void quantizeMultiplier(double m, int32_t &q, int32_t &shift) {
  if (m == 0.0) {
    q = 0, shift = 0;
    return;
  }
  int exp = 0;
  double f = std::frexp(m, &exp);
  int64_t qf = (int64_t)std::round(f * (double)(1ll << 31));
  if (qf == (1ll << 31)) {
    qf /= 2;
    ++exp;
  }
  if (exp < -31) {
    exp = 0;
    qf = 0;
  }
  q = (int32_t)qf, shift = exp;
}

int64_t requantizeRef(int64_t x, int64_t mult, int64_t shift) {
  int64_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  int64_t a = (int64_t)(int32_t)(x * (int64_t(1) << left)), ab = a * mult;
  int64_t nudge = ab >= 0 ? (int64_t(1) << 30) : 1 - (int64_t(1) << 30);
  int64_t high = (ab + nudge) / (int64_t(1) << 31); // truncating, as TFLite
  int64_t mask = (int64_t(1) << right) - 1, rem = high & mask, thr = (mask >> 1) + (high < 0 ? 1 : 0);
  return (high >> right) + (rem > thr ? 1 : 0);
}

// (A float32 product of the scales instead of the widened double flips one
// logit of ResNet-8 data set 2 by 1 LSB: the widening matters.)
void requantTables(Type in, Type weight, Type out, int64_t n, SmallVectorImpl<int64_t> &mult,
                   SmallVectorImpl<int64_t> &shift) {
  float sIn = scalesOf(in)[0], sOut = scalesOf(out)[0];
  std::vector<float> sW = scalesOf(weight);
  for (int64_t c = 0; c < n; ++c) {
    float sw = sW.size() == 1 ? sW[0] : sW[c];
    int32_t q, sh;
    quantizeMultiplier((double)sIn * (double)sw / (double)sOut, q, sh);
    mult.push_back(q), shift.push_back(sh);
  }
}

std::pair<int64_t, int64_t> storageClamp(Type out, std::optional<APFloat> lo, std::optional<APFloat> hi) {
  auto q = llvm::cast<quant::QuantizedType>(out);
  return {lo ? (int64_t)lo->convertToFloat() : q.getStorageTypeMin(),
          hi ? (int64_t)hi->convertToFloat() : q.getStorageTypeMax()};
}

void foldInputOffset(DenseElementsAttr weights, DenseElementsAttr bias, int64_t inOff, std::vector<int64_t> &wv,
                     SmallVectorImpl<int64_t> &biasEff) {
  for (const APInt &v : weights.getValues<APInt>())
    wv.push_back(v.getSExtValue());
  int64_t rows = bias.getNumElements(), per = rows ? (int64_t)wv.size() / rows : 0, m = 0;
  for (const APInt &v : bias.getValues<APInt>()) {
    int64_t sum = 0;
    for (int64_t k = 0; k < per; ++k)
      sum += wv[m * per + k];
    biasEff.push_back(v.getSExtValue() + inOff * sum);
    ++m;
  }
}

/// The DSP kernels requantize in 5 instructions, exactly when every shift is
/// <= -1 and every accumulator stays below 2^30 in magnitude: bias_eff[m]
/// plus at most 128 * sum |w[m]|. TFLite's int32 bias can break that bound on
/// channels with a tiny weight scale; such a channel is rewritten when its
/// output provably does not change: with all-zero weights it is a constant
/// (re-expressed as 4v with multiplier 1/4), and one that always saturates
/// gets the bias +-2^29, which saturates the same way. None when a layer
/// cannot be fitted (it gets portable kernels).
std::optional<DSPRequant> fitForDSPRequantization(ArrayRef<int64_t> multIn, ArrayRef<int64_t> shiftIn,
                                                  ArrayRef<int64_t> biasIn, ArrayRef<int64_t> weights, int64_t outOff,
                                                  int64_t lo, int64_t hi) {
  DSPRequant r{SmallVector<int64_t>(multIn), SmallVector<int64_t>(shiftIn), SmallVector<int64_t>(biasIn)};
  auto &mult = r.mult, &shift = r.shift, &biasEff = r.bias;
  const int64_t limit = int64_t(1) << 30, big = int64_t(1) << 29, M = biasEff.size();
  if (M == 0 || (int64_t)mult.size() != M || (int64_t)shift.size() != M)
    return std::nullopt;
  const int64_t K = weights.size() / M;
  for (int64_t m = 0; m < M; ++m) {
    int64_t S = 0;
    for (int64_t k = 0; k < K; ++k)
      S += 128 * std::llabs(weights[m * K + k]);
    int64_t b = biasEff[m];
    if (shift[m] <= -1 && std::llabs(b) + S < limit)
      continue;
    auto out = [&](int64_t acc) { return std::clamp<int64_t>(requantizeRef(acc, mult[m], shift[m]) + outOff, lo, hi); };
    if (S == 0) { // constant channel: v = requantize(b) as 4v * 2^30 / 2^31 / 2
      int64_t v = requantizeRef(b, mult[m], shift[m]), q = int64_t(1) << 30;
      if (std::llabs(4 * v) >= limit || requantizeRef(4 * v, q, -1) != v)
        return std::nullopt;
      biasEff[m] = 4 * v, mult[m] = q, shift[m] = -1;
    } else if (shift[m] > -1) {
      return std::nullopt;
    } else if (b > 0 && S < big && out(b - S) == hi && out(big - S) == hi) {
      biasEff[m] = big;
    } else if (b < 0 && S < big && out(b + S) == lo && out(-big + S) == lo) {
      biasEff[m] = -big;
    } else {
      return std::nullopt;
    }
  }
  return r;
}

ConvShape::ConvShape(nn::Conv2DOp c)
    : x(shapeOf(c.getInput())), w(shapeOf(c.getWeight())), y(shapeOf(c.getOutput())), st(c.getStrides()),
      dl(c.getDilations()), pads(c.getPads()), groups(c.getGroups()) {}

bool ConvShape::unpadded1x1() const {
  return w[2] == 1 && w[3] == 1 && llvm::all_of(pads, [](int64_t p) { return p == 0; });
}

SmallVector<Attribute> ConvShape::windowArgs(KernelLowering &k) const {
  return k.i32s({x[0], x[1], x[2], x[3], w[0], w[2], w[3], y[2], y[3], st[0], st[1], dl[0], dl[1], pads[0], pads[1]});
}

SmallVector<int64_t> windowTaps(int64_t C, int64_t KH, int64_t KW, int64_t H, int64_t W, ArrayRef<int64_t> dilations) {
  SmallVector<int64_t> taps;
  for (int64_t c = 0; c < C; ++c)
    for (int64_t ky = 0; ky < KH; ++ky)
      for (int64_t kx = 0; kx < KW; ++kx)
        taps.push_back((c * H + ky * dilations[0]) * W + kx * dilations[1]);
  return taps;
}

PhaseSplit phaseSplit(int64_t C, int64_t KH, int64_t KW, int64_t OH, int64_t OW, ArrayRef<int64_t> strides,
                      ArrayRef<int64_t> dilations) {
  int64_t sh = strides[0], sw = strides[1], dh = dilations[0], dw = dilations[1];
  PhaseSplit g{(OH - 1) * sh + (KH - 1) * dh + 1, OW + (KW - 1) * dw / sw, {}};
  for (int64_t c = 0; c < C; ++c)
    for (int64_t ky = 0; ky < KH; ++ky)
      for (int64_t kx = 0; kx < KW; ++kx)
        g.taps.push_back(((c * g.Hp + ky * dh) * sw + kx * dw % sw) * g.Wq + kx * dw / sw);
  return g;
}

std::vector<uint8_t> packLowBit(ArrayRef<int64_t> w, int64_t rows, int64_t perRow, int bits) {
  int64_t per = 8 / bits, rowBytes = (perRow + per - 1) / per;
  std::vector<uint8_t> out(rows * rowBytes, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < perRow; ++i) {
      uint8_t v = (uint8_t)(w[r * perRow + i] & ((1 << bits) - 1));
      out[r * rowBytes + i / per] |= (uint8_t)(v << ((i % per) * bits));
    }
  return out;
}

std::vector<float> packRowBlocksF32(DenseElementsAttr w, int64_t M, int64_t K, int64_t block) {
  std::vector<float> src(w.getValues<float>().begin(), w.getValues<float>().end());
  std::vector<float> out((M + block - 1) / block * block * K, 0.0f);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t k = 0; k < K; ++k)
      out[(m / block * K + k) * block + m % block] = src[m * K + k];
  return out;
}

SmallVector<int32_t> packTapPairsS16(ArrayRef<int64_t> w, int64_t M, int64_t K) {
  const int64_t K2 = (K + 1) / 2, Mp = (M + 3) / 4 * 4;
  auto at = [&](int64_t m, int64_t k) -> uint32_t { return m < M && k < K ? (uint16_t)(int16_t)w[m * K + k] : 0; };
  SmallVector<int32_t> out;
  for (int64_t mb = 0; mb < Mp; mb += 4)
    for (int64_t k = 0; k < K2; ++k)
      for (int64_t r = 0; r < 4; ++r)
        out.push_back((int32_t)(at(mb + r, 2 * k) | at(mb + r, 2 * k + 1) << 16));
  return out;
}

/// A constant zero int32 bias of `n` channels, as the lowering's zeros() makes it.
static DenseElementsAttr zeroBias(MLIRContext *ctx, int64_t n) {
  auto i32 = IntegerType::get(ctx, 32);
  return DenseElementsAttr::get(RankedTensorType::get({n}, i32), IntegerAttr::get(i32, 0));
}

void QuantWeightsFacts::compute(Value input, Value weight, Value biasValue, Value output, std::optional<APFloat> actMin,
                                std::optional<APFloat> actMax, int64_t channels) {
  Type xe = elemOf(input), ye = elemOf(output);
  requantTables(xe, elemOf(weight), ye, channels, mult, shift);
  std::tie(lo, hi) = storageClamp(ye, actMin, actMax);
  inOff = -zeroPointOf(xe), outOff = zeroPointOf(ye);
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(elemOf(weight)))
    weightBits = (int)q.getStorageTypeIntegralWidth();
  weights = constantStorage(weight);
  bias = biasValue ? constantStorage(biasValue) : zeroBias(input.getContext(), channels);
  if (constant())
    foldInputOffset(weights, bias, inOff, wv, biasEff);
}

const std::optional<DSPRequant> &QuantWeightsFacts::dsp() const {
  if (!dspCache)
    dspCache = constant() ? fitForDSPRequantization(mult, shift, biasEff, wv, outOff, lo, hi) : std::nullopt;
  return *dspCache;
}

QuantConvFacts::QuantConvFacts(Layer &l) : op(llvm::cast<nn::Conv2DOp>(l.op)), s(op) {
  valid = llvm::isa<quant::UniformQuantizedType>(elemOf(op.getInput())) &&
          llvm::isa<quant::UniformQuantizedType>(elemOf(op.getOutput()));
  if (!valid)
    return;
  compute(op.getInput(), op.getWeight(), op.getBias(), op.getOutput(), op.getActMin(), op.getActMax(), s.w[0]);
  depthwise3x3 = s.depthwise() && s.w[2] == 3 && s.w[3] == 3 && s.dl[0] == 1 && s.dl[1] == 1;
  pointwise = s.direct1x1() && s.groups == 1;
}

SmallVector<Attribute> QuantConvFacts::withRequant(KernelLowering &k, SmallVector<Attribute> args, ArrayRef<int64_t> m,
                                                   ArrayRef<int64_t> sh) const {
  args.append({k.table(m), k.table(sh), k.i32(lo), k.i32(hi)});
  return args;
}

FloatConvFacts::FloatConvFacts(Layer &l) : op(llvm::cast<nn::Conv2DOp>(l.op)), s(op) {
  elem = elemOf(op.getInput());
  f32 = elem.isF32();
  weights = constantStorage(op.getWeight());
  lo = l.k.typedScalar(elem, op.getActMin() ? op.getActMin()->convertToDouble() : -INFINITY);
  hi = l.k.typedScalar(elem, op.getActMax() ? op.getActMax()->convertToDouble() : INFINITY);
}

std::pair<Value, Value> FloatConvFacts::biasAndOutput(Layer &l) const {
  Value bias = op.getBias() ? op.getBias() : l.k.zeros(l.loc, s.w[0], elem);
  return {bias, l.k.result(op.getOutput(), l.loc)};
}

QuantFCFacts::QuantFCFacts(Layer &l) : op(llvm::cast<nn::FullyConnectedOp>(l.op)) {
  Type xe = elemOf(op.getInput()), ye = elemOf(op.getOutput());
  valid = llvm::isa<quant::UniformQuantizedType>(xe) && llvm::isa<quant::UniformQuantizedType>(ye) &&
          llvm::cast<quant::QuantizedType>(xe).isSigned() && llvm::cast<quant::QuantizedType>(ye).isSigned();
  if (!valid)
    return;
  x = shapeOf(op.getInput()), w = shapeOf(op.getWeight());
  compute(op.getInput(), op.getWeight(), op.getBias(), op.getOutput(), op.getActMin(), op.getActMax(), w[0]);
}

QuantAddFacts::QuantAddFacts(Layer &l) {
  auto bo = llvm::cast<nn::BinaryOp>(l.op);
  Type e = elemOf(bo.getLhs()), be = elemOf(bo.getRhs()), ye = elemOf(bo.getOutput());
  valid = bo.getKind() == nn::BinaryKind::add && llvm::isa<quant::UniformQuantizedType>(e) &&
          llvm::isa<quant::UniformQuantizedType>(be) && llvm::isa<quant::UniformQuantizedType>(ye) &&
          shapeOf(bo.getLhs()) == shapeOf(bo.getRhs());
  if (!valid)
    return;
  // Both inputs rescaled to twice the larger input scale with 20 bits of
  // headroom, summed, requantized to the output (TFLite's int8 Add).
  float s1 = scalesOf(e)[0], s2 = scalesOf(be)[0], so = scalesOf(ye)[0];
  const int leftShift = quantizedBits(e) == 16 ? 15 : 20; // TFLite: 65535 << 15 still fits the int32 sum
  double twiceMax = 2 * (double)std::max(s1, s2);
  int32_t m1, sh1, m2, sh2, mo, sho;
  quantizeMultiplier((double)s1 / twiceMax, m1, sh1);
  quantizeMultiplier((double)s2 / twiceMax, m2, sh2);
  quantizeMultiplier(twiceMax / ((1 << leftShift) * (double)so), mo, sho);
  auto [lo, hi] = storageClamp(ye, bo.getActMin(), bo.getActMax());
  args = l.k.i32s({product(shapeOf(bo.getOutput())), -zeroPointOf(e), -zeroPointOf(be), zeroPointOf(ye), leftShift, m1,
                   sh1, m2, sh2, mo, sho, lo, hi});
}

bool isInt16Symmetric(Type t) {
  auto u = llvm::dyn_cast<quant::UniformQuantizedType>(t);
  return u && u.isSigned() && u.getStorageTypeIntegralWidth() == 16 && u.getZeroPoint() == 0;
}

void Int16WeightsFacts::compute(Value input, Value weight, Value biasValue, Value output, std::optional<APFloat> actMin,
                                std::optional<APFloat> actMax, int64_t channels) {
  Type xe = elemOf(input), we = elemOf(weight), ye = elemOf(output);
  auto wq = llvm::dyn_cast<quant::QuantizedType>(we);
  if (!isInt16Symmetric(xe) || !isInt16Symmetric(ye)) {
    error = "int16 layers need per-tensor int16 input and output with zero point 0 (TFLite 16x8)";
    return;
  }
  if (!wq || !wq.isSigned() || wq.getStorageTypeIntegralWidth() != 8 ||
      llvm::any_of(zeroPointsOf(we), [](int64_t z) { return z != 0; })) {
    error = "int16 layers need symmetric int8 weights (zero points 0)";
    return;
  }
  if (biasValue && !storageOf(elemOf(biasValue)).isSignlessInteger(64)) {
    error = "int16 layers need an int64 bias (TFLite 16x8)";
    return;
  }
  requantTables(xe, we, ye, channels, mult, shift);
  if (llvm::any_of(shift, [](int64_t s) { return s >= 8; })) {
    error = "the requantization multiplier of an int16 layer is 128 or more (TFLite's int64 requantization "
            "takes shifts below 8)";
    return;
  }
  std::tie(lo, hi) = storageClamp(ye, actMin, actMax);
  weights = constantStorage(weight);
  if (weights)
    for (const APInt &v : weights.getValues<APInt>())
      wv.push_back(v.getSExtValue());
}

Int16ConvFacts::Int16ConvFacts(Layer &l) : op(llvm::cast<nn::Conv2DOp>(l.op)), s(op) {
  compute(op.getInput(), op.getWeight(), op.getBias(), op.getOutput(), op.getActMin(), op.getActMax(), s.w[0]);
}

Int16FCFacts::Int16FCFacts(Layer &l) : op(llvm::cast<nn::FullyConnectedOp>(l.op)) {
  x = shapeOf(op.getInput()), w = shapeOf(op.getWeight());
  compute(op.getInput(), op.getWeight(), op.getBias(), op.getOutput(), op.getActMin(), op.getActMax(), w[0]);
}

} // namespace emlc
