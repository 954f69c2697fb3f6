//===- NNToKernel.cpp - nn dialect -> kernel dialect -----------------------===//
//
// Rebuilds @main at buffer level: inputs and outputs become memref arguments
// (outputs last), constants become memref.global weights, each nn op becomes
// one kernel.call with every parameter precomputed (shapes padded to 6 axes,
// stride and offset tables, resize index tables), reshapes become views. A
// value returned by the graph is written by its producer straight into the
// output argument.
//
//===----------------------------------------------------------------------===//

#include "dialects/Kernel/KernelDialect.h"
#include "dialects/NN/NNDialect.h"
#include "emlc/Conversion/Passes.h"
#include "emlc/Support/ConstantUtils.h"
#include "targets/Target.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "llvm/ADT/TypeSwitch.h"
#include <cmath>

namespace emlc {
#define GEN_PASS_DEF_CONVERTNNTOKERNEL
#include "emlc/Conversion/Passes.h.inc"
} // namespace emlc

using namespace mlir;
using namespace emlc;

namespace {
constexpr int kRank = 6;

/// The integer storage of a quantized element type; other types unchanged.
Type storageOf(Type t) {
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(t))
    return q.getStorageType();
  return t;
}

/// The constant behind `v` (through quant.scast): a weight's integers.
DenseElementsAttr constantStorage(Value v) {
  if (auto s = v.getDefiningOp<quant::StorageCastOp>())
    v = s.getArg();
  auto c = v.getDefiningOp<arith::ConstantOp>();
  return c ? llvm::dyn_cast<DenseElementsAttr>(c.getValue()) : DenseElementsAttr();
}

SmallVector<int64_t> shapeOf(Value v) { return SmallVector<int64_t>(llvm::cast<ShapedType>(v.getType()).getShape()); }
Type elemOf(Value v) { return llvm::cast<ShapedType>(v.getType()).getElementType(); }

/// "f32", "i32", "i64", ... as used in kernel names (quantized: its storage).
std::string typeSuffix(Type t) {
  t = storageOf(t);
  if (t.isF32()) return "f32";
  if (t.isF64()) return "f64";
  if (t.isF16()) return "f16";
  if (auto it = llvm::dyn_cast<IntegerType>(t))
    return (it.isUnsigned() ? "u" : "i") + std::to_string(it.getWidth());
  return "?";
}

SmallVector<int64_t> pad6(ArrayRef<int64_t> s, int64_t fill = 1) {
  SmallVector<int64_t> out(kRank - s.size(), fill);
  out.append(s.begin(), s.end());
  return out;
}
/// Element strides of `in` broadcast to `out` (0 on broadcast axes), padded to 6.
SmallVector<int64_t> broadcastStrides(ArrayRef<int64_t> in, ArrayRef<int64_t> out) {
  SmallVector<int64_t> p = pad6(in), st = rowMajorStrides(p), o = pad6(out);
  for (int d = 0; d < kRank; ++d)
    if (p[d] == 1) // broadcast, or a unit axis never stepped: 0 keeps tables shareable
      st[d] = 0;
  return st;
}
int64_t product(ArrayRef<int64_t> s, size_t from = 0, size_t to = ~size_t(0)) {
  int64_t p = 1;
  for (size_t i = from; i < s.size() && i < to; ++i)
    p *= s[i];
  return p;
}

/// TFLite's QuantizeMultiplier: m = q * 2^shift with q in [2^30, 2^31) as int32.
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

/// Per-tensor or per-channel scales of a quantized type, as TFLite's float32.
std::vector<float> scalesOf(Type t) {
  if (auto u = llvm::dyn_cast<quant::UniformQuantizedType>(t))
    return {(float)u.getScale()};
  auto a = llvm::cast<quant::UniformQuantizedPerAxisType>(t);
  return std::vector<float>(a.getScales().begin(), a.getScales().end());
}
int64_t zeroPointOf(Type t) { return llvm::cast<quant::UniformQuantizedType>(t).getZeroPoint(); }
/// Per-tensor or per-channel zero points of a quantized type.
SmallVector<int64_t> zeroPointsOf(Type t) {
  if (auto a = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(t))
    return SmallVector<int64_t>(a.getZeroPoints().begin(), a.getZeroPoints().end());
  return {zeroPointOf(t)};
}

/// The kernel-name suffixes that have typed instances (targets/generic/kernels/typed.c).
bool isTypedSuffix(const std::string &s) {
  static const char *all[] = {"f32", "f64", "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64"};
  return llvm::is_contained(all, s);
}

/// Scales and zero points of a quantized op for the report: its output, its
/// first input and (conv / fully connected) its weights; null when none is quantized.
DictionaryAttr quantizationOf(Operation *op) {
  Builder b(op->getContext());
  SmallVector<NamedAttribute> out;
  auto add = [&](StringRef key, Value v) {
    Type e = llvm::cast<ShapedType>(v.getType()).getElementType();
    if (!llvm::isa<quant::QuantizedType>(e))
      return;
    out.push_back(b.getNamedAttr(
        key, b.getDictionaryAttr({b.getNamedAttr("scale", b.getDenseF32ArrayAttr(scalesOf(e))),
                                  b.getNamedAttr("zero_point", b.getDenseI64ArrayAttr(zeroPointsOf(e)))})));
  };
  if (op->getNumResults() == 1)
    add("output", op->getResult(0));
  if (op->getNumOperands() >= 1)
    add("input", op->getOperand(0));
  if (llvm::isa<nn::Conv2DOp, nn::FullyConnectedOp>(op))
    add("weight", op->getOperand(1));
  return out.empty() ? DictionaryAttr() : b.getDictionaryAttr(out);
}

/// The DSP convolution's weight layout (targets/arm-dsp/kernels/int8_dsp.c,
/// conv_s8_dsp): output channels in pairs (a zero channel completing an odd
/// count), K padded to a multiple of 4, per 4-tap group one little-endian
/// word of channel m then one of m+1, bytes ordered w0 w2 w1 w3.
SmallVector<int32_t> packConvWeightsDSP(ArrayRef<int64_t> w, int64_t M, int64_t K) {
  const int64_t Kp = (K + 3) / 4 * 4;
  static const int order[4] = {0, 2, 1, 3};
  SmallVector<int32_t> out;
  for (int64_t m = 0; m < M; m += 2)
    for (int64_t g = 0; g < Kp; g += 4)
      for (int64_t r = 0; r < 2; ++r) {
        uint32_t word = 0;
        for (int i = 0; i < 4; ++i) {
          int64_t row = m + r, k = g + order[i];
          uint8_t byte = row < M && k < K ? (uint8_t)(int8_t)w[row * K + k] : 0;
          word |= (uint32_t)byte << (8 * i);
        }
        out.push_back((int32_t)word);
      }
  return out;
}

/// conv_s8_dsp_w16's layout: the weights sign-extended to int16, channels in
/// pairs, per 4-tap group the pairs (w0,w1) (w2,w3) of channel m, then m+1's.
SmallVector<int32_t> packConvWeightsDSP16(ArrayRef<int64_t> w, int64_t M, int64_t K) {
  const int64_t Kp = (K + 3) / 4 * 4;
  auto at = [&](int64_t row, int64_t k) -> uint32_t { return row < M && k < K ? (uint16_t)(int16_t)w[row * K + k] : 0; };
  SmallVector<int32_t> out;
  for (int64_t m = 0; m < M; m += 2)
    for (int64_t g = 0; g < Kp; g += 4)
      for (int64_t r = 0; r < 2; ++r)
        for (int64_t i = 0; i < 4; i += 2)
          out.push_back((int32_t)(at(m + r, g + i) | at(m + r, g + i + 1) << 16));
  return out;
}

/// fully_connected_s8_dsp_w16's layout: output channels in quads (zero
/// channels completing the last), K padded to 4, per 4-tap group and channel
/// the int16 pairs (w0,w2) and (w1,w3).
SmallVector<int32_t> packFCWeightsDSP16(ArrayRef<int64_t> w, int64_t N, int64_t K) {
  const int64_t Kp = (K + 3) / 4 * 4;
  auto at = [&](int64_t n, int64_t k) -> uint32_t { return n < N && k < K ? (uint16_t)(int16_t)w[n * K + k] : 0; };
  SmallVector<int32_t> out;
  for (int64_t n = 0; n < N; n += 4)
    for (int64_t g = 0; g < Kp; g += 4)
      for (int64_t c = n; c < n + 4; ++c)
        for (int64_t i = 0; i < 2; ++i)
          out.push_back((int32_t)(at(c, g + i) | at(c, g + i + 2) << 16));
  return out;
}

/// Constant int8 weights (rows of equal length) as integers, and the bias with
/// the input offset folded in: bias_eff[m] = bias[m] + in_off * sum(w[m]), as
/// the kernels that drop the offset from their inner loop take it.
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

/// The MVE kernels' weight layout (targets/arm-mve/kernels): rows of K int8
/// padded to a multiple of 16 with zeros, as little-endian words.
SmallVector<int32_t> packWeightsMVE(ArrayRef<int64_t> w, int64_t M, int64_t K) {
  const int64_t Kp = (K + 15) / 16 * 16;
  SmallVector<int32_t> out;
  for (int64_t m = 0; m < M; ++m)
    for (int64_t g = 0; g < Kp; g += 4) {
      uint32_t word = 0;
      for (int i = 0; i < 4; ++i)
        word |= (uint32_t)(uint8_t)(int8_t)(g + i < K ? w[m * K + g + i] : 0) << (8 * i);
      out.push_back((int32_t)word);
    }
  return out;
}

/// conv_s8_avx2's weights (targets/x86-avx2/kernels/int8_avx2.c): output
/// channels in blocks of 4 (zero channels completing M), per pair of taps
/// (2k, 2k+1; K padded to even with 0) a word of the two int16 values,
/// [ceil(M/4)][ceil(K/2)][4].
SmallVector<int32_t> packConvWeightsAVX2(ArrayRef<int64_t> w, int64_t M, int64_t K) {
  const int64_t K2 = (K + 1) / 2, Mp = (M + 3) / 4 * 4;
  auto at = [&](int64_t m, int64_t k) -> uint32_t { return m < M && k < K ? (uint16_t)(int16_t)w[m * K + k] : 0; };
  SmallVector<int32_t> out;
  for (int64_t mb = 0; mb < Mp; mb += 4)
    for (int64_t k = 0; k < K2; ++k)
      for (int64_t r = 0; r < 4; ++r)
        out.push_back((int32_t)(at(mb + r, 2 * k) | at(mb + r, 2 * k + 1) << 16));
  return out;
}

/// conv_s8_scalar's weights (targets/scalar/kernels): int16, output channels in
/// blocks of 4 (zero channels completing M), [ceil(M/4)][K][4].
SmallVector<int16_t> packConvWeightsScalar(ArrayRef<int64_t> w, int64_t M, int64_t K) {
  SmallVector<int16_t> out;
  for (int64_t mb = 0; mb < M; mb += 4)
    for (int64_t k = 0; k < K; ++k)
      for (int64_t r = 0; r < 4; ++r)
        out.push_back(mb + r < M ? (int16_t)w[(mb + r) * K + k] : 0);
  return out;
}

/// The x86-avx2 float convolution tile for an OH x OW output with M channels:
/// 0 = vectors of 8 pixels (conv2d_f32_avx2, 4 channels x 24 pixels a tile),
/// else conv2d_f32_cm_avx2's channels per tile (16: 16 x 6 pixels, 24: 24 x 3).
/// Each is priced as the lanes it computes (zero channels, repeated pixels,
/// empty slots included) over its speed measured on 1x1 layers (bench/latency.py
/// machine: 55, 51 and 44 GMAC/s); pixel rows that end inside a vector cost
/// the row tile 15% more (its bounce copy and partial stores). 6x6 planes
/// (MobileNet's 128-channel layers: 36 pixels) go 13.4 -> 11.0 us with 16 x 6.
int64_t avx2ConvTile(int64_t M, int64_t OH, int64_t OW, bool direct) {
  auto up = [](int64_t v, int64_t m) { return (v + m - 1) / m * m; };
  int64_t P = OH * OW, slots = direct ? up(P, 8) / 8 : OH * (up(OW, 8) / 8);
  double rowLanes = slots / 3 * 24 + (slots % 3 ? 16 : 0);
  double row = up(M, 4) * rowLanes / 55.0 * ((direct ? P : OW) % 8 ? 1.15 : 1.0);
  double cm16 = up(M, 16) * up(P, 6) / 51.0, cm24 = up(M, 24) * up(P, 3) / 44.0;
  return row <= std::min(cm16, cm24) ? 0 : cm16 <= cm24 ? 16 : 24;
}

/// Float weights [M][K] regrouped for the x86-avx2 kernels: blocks of
/// `block` rows, K-major inside, [ceil(M/block)][K][block], zero rows
/// completing M (4 for the blocked GEMM, 16 or 24 for the channel-vectorized
/// conv, 8 for the channel-interleaved depthwise).
std::vector<float> packRowBlocksF32(DenseElementsAttr w, int64_t M, int64_t K, int64_t block) {
  std::vector<float> src(w.getValues<float>().begin(), w.getValues<float>().end());
  std::vector<float> out((M + block - 1) / block * block * K, 0.0f);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t k = 0; k < K; ++k)
      out[(m / block * K + k) * block + m % block] = src[m * K + k];
  return out;
}

/// The Winograd kernels' weights (targets/x86-avx2/kernels):
/// U = G g G^T per (m, c), packed [n*n][ceil(M/4)][C][4], zero rows completing M:
/// F(2x2,3x3) (n = 4, G 4x3) or F(4x4,3x3) (n = 6, G 6x3).
std::vector<float> packWinograd(DenseElementsAttr w, int64_t M, int64_t C, int n) {
  static const double G4[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
  static const double G6[6][3] = {{0.25, 0, 0},           {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                  {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};
  auto G = [&](int a, int i) { return n == 4 ? G4[a][i] : G6[a][i]; };
  std::vector<float> g(w.getValues<float>().begin(), w.getValues<float>().end());
  int64_t Mp = (M + 3) / 4 * 4;
  std::vector<float> out(n * n * Mp * C, 0.0f);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t c = 0; c < C; ++c)
      for (int a = 0; a < n; ++a)
        for (int b = 0; b < n; ++b) {
          double v = 0;
          for (int i = 0; i < 3; ++i)
            for (int k = 0; k < 3; ++k)
              v += G(a, i) * g[((m * C + c) * 3 + i) * 3 + k] * G(b, k);
          out[(((a * n + b) * (Mp / 4) + m / 4) * C + c) * 4 + m % 4] = (float)v;
        }
  return out;
}

/// Geometry of the padded, column-phase-split input copy the strided float
/// kernels read (pad_phase_f32): rows, row width, and tap offsets.
struct PhaseSplit {
  int64_t Hp, Wq;
  SmallVector<int64_t> taps; ///< offset of (c, ky, kx) from an output's first input
};
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

/// Offset of each tap (c, ky, kx) of a window from its origin in an NCHW
/// input of H x W planes: the im2col kernels' `taps` (DSP, MVE, scalar, FPU).
SmallVector<int64_t> windowTaps(int64_t C, int64_t KH, int64_t KW, int64_t H, int64_t W,
                                ArrayRef<int64_t> dilations) {
  SmallVector<int64_t> taps;
  for (int64_t c = 0; c < C; ++c)
    for (int64_t ky = 0; ky < KH; ++ky)
      for (int64_t kx = 0; kx < KW; ++kx)
        taps.push_back((c * H + ky * dilations[0]) * W + kx * dilations[1]);
  return taps;
}

/// A 1x1 convolution without padding (its input pixels are x's own, possibly strided).
bool unpadded1x1(ArrayRef<int64_t> weightShape, ArrayRef<int64_t> pads) {
  return weightShape[2] == 1 && weightShape[3] == 1 && llvm::all_of(pads, [](int64_t p) { return p == 0; });
}

/// ... and stride 1: every output pixel reads its own input pixel (the kernels' `direct` mode, conv1x1_s8).
bool direct1x1(nn::Conv2DOp c) {
  return unpadded1x1(shapeOf(c.getWeight()), c.getPads()) && c.getStrides()[0] == 1 && c.getStrides()[1] == 1;
}

/// TFLite's integer requantization (the kernels' emlc_requantize), for
/// compile-time reasoning about outputs.
int64_t requantizeRef(int64_t x, int64_t mult, int64_t shift) {
  int64_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  int64_t a = (int64_t)(int32_t)(x * (int64_t(1) << left)), ab = a * mult;
  int64_t nudge = ab >= 0 ? (int64_t(1) << 30) : 1 - (int64_t(1) << 30);
  int64_t high = (ab + nudge) / (int64_t(1) << 31); // truncating, as TFLite
  int64_t mask = (int64_t(1) << right) - 1, rem = high & mask, thr = (mask >> 1) + (high < 0 ? 1 : 0);
  return (high >> right) + (rem > thr ? 1 : 0);
}

/// The DSP kernels requantize in 5 instructions, exactly when every shift is
/// <= -1 and every accumulator stays below 2^30 in magnitude: bias_eff[m]
/// plus at most 128 * sum |w[m]|. TFLite's int32 bias can break that bound on
/// channels with a tiny weight scale; such a channel is rewritten when its
/// output provably does not change: with all-zero weights it is a constant
/// (re-expressed as 4v with multiplier 1/4), and one that always saturates
/// gets the bias +-2^29, which saturates the same way. Changes the tables
/// in place; false when a layer cannot be fitted (it gets portable kernels).
bool fitForDSPRequantization(SmallVectorImpl<int64_t> &mult, SmallVectorImpl<int64_t> &shift,
                             SmallVectorImpl<int64_t> &biasEff, ArrayRef<int64_t> weights, int64_t outOff, int64_t lo,
                             int64_t hi) {
  const int64_t limit = int64_t(1) << 30, big = int64_t(1) << 29, M = biasEff.size(), K = weights.size() / M;
  if ((int64_t)mult.size() != M || (int64_t)shift.size() != M)
    return false;
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
        return false;
      biasEff[m] = 4 * v, mult[m] = q, shift[m] = -1;
    } else if (shift[m] > -1) {
      return false;
    } else if (b > 0 && S < big && out(b - S) == hi && out(big - S) == hi) {
      biasEff[m] = big;
    } else if (b < 0 && S < big && out(b + S) == lo && out(-big + S) == lo) {
      biasEff[m] = -big;
    } else {
      return false;
    }
  }
  return true;
}

class Lowering {
public:
  Lowering(ModuleOp module, func::FuncOp oldFn, const TargetInfo *target, bool smallest)
      : module(module), oldFn(oldFn), b(module.getContext()), target(target), smallest(smallest) {}

  LogicalResult run();

private:
  ModuleOp module;
  func::FuncOp oldFn;
  OpBuilder b;
  const TargetInfo *target; ///< null: portable kernels only
  bool smallest;            ///< prefer the kernel variants with the smallest weights
  func::FuncOp fn;
  DenseMap<Value, Value> buffers;
  DenseMap<Value, unsigned> outputSlot; ///< returned value -> output argument index
  /// Concat inputs written straight into their slice of the output:
  /// input -> (concat output, byte offset).
  DenseMap<Value, std::pair<Value, int64_t>> concatSlot;
  /// Float tensors stored channel-interleaved, [N][C/8][H][W][8], between
  /// the x86-avx2 depthwise and channel-vectorized convolutions, which read
  /// and write that layout: MobileNet-style depthwise/pointwise chains then
  /// pass no transposes (chooseInterleaved).
  DenseSet<Value> c8;
  unsigned numInputs = 0;
  unsigned globalCount = 0;

  /// Buffers hold storage values: a quantized tensor is its integer storage.
  MemRefType memrefFor(Value tensor) {
    auto t = llvm::cast<RankedTensorType>(tensor.getType());
    return MemRefType::get(t.getShape(), storageOf(t.getElementType()));
  }
  Attribute i32(int64_t v) { return b.getI32IntegerAttr((int32_t)v); }
  Attribute f32(double v) { return b.getF32FloatAttr((float)v); }
  /// Per-output-channel requantization (multiplier, shift) of an integer
  /// layer, computed as TFLite's PopulateConvolutionQuantizationParams does:
  /// the float32 scales widened to double, input * weight / output, then
  /// QuantizeMultiplier. (A float32 product instead flips one logit of
  /// ResNet-8 data set 2 by 1 LSB: the widening matters.)
  std::pair<SmallVector<int64_t>, SmallVector<int64_t>> requantTables(Type in, Type weight, Type out, int64_t n) {
    float sIn = scalesOf(in)[0], sOut = scalesOf(out)[0];
    std::vector<float> sW = scalesOf(weight);
    SmallVector<int64_t> mult, shift;
    for (int64_t c = 0; c < n; ++c) {
      float sw = sW.size() == 1 ? sW[0] : sW[c];
      int32_t q, sh;
      quantizeMultiplier((double)sIn * (double)sw / (double)sOut, q, sh);
      mult.push_back(q), shift.push_back(sh);
    }
    return {mult, shift};
  }
  /// The output clamp in storage units: the fused activation, else the storage range.
  std::pair<int64_t, int64_t> storageClamp(Type out, std::optional<APFloat> lo, std::optional<APFloat> hi) {
    auto q = llvm::cast<quant::QuantizedType>(out);
    return {lo ? (int64_t)lo->convertToFloat() : q.getStorageTypeMin(),
            hi ? (int64_t)hi->convertToFloat() : q.getStorageTypeMax()};
  }
  Attribute table(ArrayRef<int64_t> v) {
    SmallVector<int32_t> w(v.begin(), v.end());
    return b.getDenseI32ArrayAttr(w);
  }

  /// The buffer holding `tensor` (a weight global is created on first use).
  Value get(Value tensor) {
    if (auto it = buffers.find(tensor); it != buffers.end())
      return it->second;
    auto c = tensor.getDefiningOp<arith::ConstantOp>();
    assert(c && "operand without a buffer");
    auto type = memrefFor(tensor);
    auto attr = llvm::cast<DenseElementsAttr>(c.getValue());
    if (attr.getType().getElementType() != type.getElementType()) // signless storage of unsigned data
      attr = attr.bitcast(type.getElementType());
    auto init = attr.reshape(RankedTensorType::get(type.getShape(), type.getElementType()));
    return buffers[tensor] = makeGlobal(c.getLoc(), type, init);
  }
  /// A weight global holding `values` (a layout packed for a kernel variant).
  Value global(Location loc, ArrayRef<int32_t> values) {
    auto type = MemRefType::get({(int64_t)values.size()}, b.getIntegerType(32));
    return makeGlobal(loc, type, DenseElementsAttr::get(RankedTensorType::get(type.getShape(), type.getElementType()),
                                                        values));
  }
  Value global(Location loc, ArrayRef<int16_t> values) {
    auto type = MemRefType::get({(int64_t)values.size()}, b.getIntegerType(16));
    return makeGlobal(loc, type, DenseElementsAttr::get(RankedTensorType::get(type.getShape(), type.getElementType()),
                                                        values));
  }
  Value global(Location loc, ArrayRef<float> values) {
    auto type = MemRefType::get({(int64_t)values.size()}, b.getF32Type());
    return makeGlobal(loc, type, DenseElementsAttr::get(RankedTensorType::get(type.getShape(), type.getElementType()),
                                                        values));
  }
  /// A new constant global `wN` and its use at the top of the function.
  Value makeGlobal(Location loc, MemRefType type, DenseElementsAttr init) {
    std::string name = "w" + std::to_string(globalCount++);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPoint(fn);
      b.create<memref::GlobalOp>(loc, name, b.getStringAttr("private"), type, init, /*constant=*/true,
                                 /*alignment=*/nullptr);
    }
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&fn.getBody().front());
    return b.create<memref::GetGlobalOp>(loc, type, name);
  }
  /// An arena buffer a kernel uses as scratch during its call only.
  Value scratch(Location loc, int64_t n, Type elem) {
    return b.create<kernel::AllocOp>(loc, MemRefType::get({n}, elem), nullptr);
  }
  std::string variant(StringRef role) { return target ? target->variant(role.str(), smallest) : ""; }
  /// The target's kernel for `role`, else the portable kernel of that name.
  std::string kernelFor(StringRef role) {
    std::string v = variant(role);
    return v.empty() ? role.str() : v;
  }
  /// A fresh buffer for a result: the output argument if the graph returns
  /// it, its slice of a Concat output if it is placed there.
  Value result(Value tensor, Location loc) {
    if (auto it = concatSlot.find(tensor); it != concatSlot.end()) {
      auto [whole, offset] = it->second;
      auto found = buffers.find(whole);
      Value base = found != buffers.end() ? found->second : result(whole, loc);
      return buffers[tensor] = b.create<kernel::ViewOp>(loc, memrefFor(tensor), base, b.getI64IntegerAttr(offset));
    }
    Value buf;
    if (auto it = outputSlot.find(tensor); it != outputSlot.end())
      buf = fn.getArgument(numInputs + it->second);
    else
      buf = b.create<kernel::AllocOp>(loc, memrefFor(tensor), nullptr);
    buffers[tensor] = buf;
    return buf;
  }
  void call(Location loc, StringRef name, ValueRange ins, ValueRange outs, ArrayRef<Attribute> args) {
    b.create<kernel::CallOp>(loc, name, ins, outs, b.getArrayAttr(args));
  }
  Value zeros(Location loc, int64_t n, Type elem) {
    auto t = RankedTensorType::get({n}, elem);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&oldFn.getBody().front());
    Value c = b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(t, b.getZeroAttr(elem)));
    return c;
  }
  std::pair<Attribute, Attribute> clampArgs(std::optional<APFloat> lo, std::optional<APFloat> hi) {
    return {f32(lo ? lo->convertToDouble() : -INFINITY), f32(hi ? hi->convertToDouble() : INFINITY)};
  }
  /// `v` as a scalar argument of element type `t`, saturated to its range.
  Attribute typedScalar(Type t, double v) {
    if (auto ft = llvm::dyn_cast<FloatType>(t))
      return FloatAttr::get(ft, v);
    auto it = llvm::cast<IntegerType>(t);
    unsigned w = it.getWidth();
    if (it.isUnsigned()) {
      double mx = std::ldexp(1.0, w) - 1;
      uint64_t u = v <= 0 ? 0 : v >= mx ? (w == 64 ? UINT64_MAX : (uint64_t)mx) : (uint64_t)v;
      return IntegerAttr::get(it, APInt(w, u));
    }
    double mn = -std::ldexp(1.0, w - 1), mx = std::ldexp(1.0, w - 1) - 1;
    int64_t x = v <= mn ? (w == 64 ? INT64_MIN : (int64_t)mn) : v >= mx ? (w == 64 ? INT64_MAX : (int64_t)mx) : (int64_t)v;
    return IntegerAttr::get(it, APInt(w, (uint64_t)x, /*isSigned=*/true));
  }

  LogicalResult lower(Operation *op);
  bool usesWinograd(nn::Conv2DOp c);
  unsigned c8Roles(nn::Conv2DOp c);
  void chooseInterleaved();
  LogicalResult lowerStridedCopy(Location loc, Value in, Value out, ArrayRef<int64_t> outShape,
                                 ArrayRef<int64_t> strides, int64_t base);
};

/// Winograd F(2x2,3x3) (conv3x3_f32_wino_avx2) for stride-1 3x3 float layers
/// with tiles in runs of 4 (see the kernel) and enough input channels to fill its GEMMs.
bool Lowering::usesWinograd(nn::Conv2DOp c) {
  auto w = shapeOf(c.getWeight()), y = shapeOf(c.getOutput());
  auto st = c.getStrides(), dl = c.getDilations();
  int64_t TH = y[2] / 2, TW = y[3] / 2;
  return elemOf(c.getInput()).isF32() && c.getGroups() == 1 && constantStorage(c.getWeight()) && w[2] == 3 &&
         w[3] == 3 && w[1] >= 8 && st[0] == 1 && st[1] == 1 && dl[0] == 1 && dl[1] == 1 && y[2] % 2 == 0 &&
         y[3] % 2 == 0 && TW % 4 == 0 && (TH * TW) % 8 == 0 && variant("conv3x3_f32") == "conv3x3_f32_wino_avx2";
}

/// Whether a float convolution's x86-avx2 kernel reads (bit 1) or writes
/// (bit 2) the channel-interleaved layout: the depthwise kernel both ways,
/// the channel-vectorized one both ways on 1x1 stride-1 unpadded layers and
/// writes it where it is chosen anyway (small planes, short rows).
unsigned Lowering::c8Roles(nn::Conv2DOp c) {
  auto x = shapeOf(c.getInput()), w = shapeOf(c.getWeight()), y = shapeOf(c.getOutput());
  if (!elemOf(c.getInput()).isF32() || !constantStorage(c.getWeight()) || x.size() != 4)
    return 0;
  auto dl = c.getDilations();
  if (c.getGroups() == x[1] && w[0] == x[1] && w[1] == 1)
    return variant("dwconv_f32") == "dwconv_f32_avx2" ? 3 : 0;
  if (c.getGroups() != 1 || variant("conv_f32") != "conv2d_f32_avx2" ||
      variant("conv_small_f32") != "conv2d_f32_cm_avx2" || dl[0] != 1 || dl[1] != 1 || usesWinograd(c))
    return 0;
  if (direct1x1(c))
    return 3;
  return avx2ConvTile(w[0], y[2], y[3], false) ? 2 : 0;
}

/// A conv output is kept interleaved when its kernel can write the layout,
/// its channels are a multiple of 8 and every reader is a conv that reads it.
void Lowering::chooseInterleaved() {
  oldFn.walk([&](nn::Conv2DOp c) {
    Value t = c.getOutput();
    auto y = shapeOf(t);
    if (!(c8Roles(c) & 2) || y.size() != 4 || y[1] % 8 || t.use_empty() || outputSlot.count(t) || concatSlot.count(t))
      return;
    for (OpOperand &u : t.getUses()) {
      auto d = llvm::dyn_cast<nn::Conv2DOp>(u.getOwner());
      if (!d || u.getOperandNumber() != 0 || !(c8Roles(d) & 1))
        return;
    }
    c8.insert(t);
  });
}

LogicalResult Lowering::lowerStridedCopy(Location loc, Value in, Value out, ArrayRef<int64_t> outShape,
                                         ArrayRef<int64_t> strides, int64_t base) {
  Type e = storageOf(llvm::cast<ShapedType>(in.getType()).getElementType());
  int64_t eb = kernel::elementBytes(e);
  Value outBuf = result(out, loc);
  call(loc, "strided_copy_b" + std::to_string(eb), {get(in)}, {outBuf},
       {table(pad6(outShape)), table(pad6(strides, 0)), i32(base)});
  return success();
}

LogicalResult Lowering::lower(Operation *op) {
  Location loc = op->getLoc();
  auto needF32 = [&](Value v) -> LogicalResult {
    if (!elemOf(v).isF32())
      return op->emitError("element type ") << elemOf(v) << " is not supported by this kernel (float32 only)";
    return success();
  };
  for (Value r : op->getResults())
    if (llvm::cast<ShapedType>(r.getType()).getRank() > kRank)
      return op->emitError("tensors of rank > 6 are not supported");

  // TFLite int8 convolution (per-channel requantization; groups cover depthwise).
  auto lowerConvS8 = [&](nn::Conv2DOp c) -> LogicalResult {
    Type xe = elemOf(c.getInput()), ye = elemOf(c.getOutput());
    if (!llvm::isa<quant::UniformQuantizedType>(xe) || !llvm::isa<quant::UniformQuantizedType>(ye))
      return op->emitError("int8 convolution needs per-tensor quantized input and output");
    auto x = shapeOf(c.getInput()), w = shapeOf(c.getWeight()), y = shapeOf(c.getOutput());
    auto [mult, shift] = requantTables(xe, elemOf(c.getWeight()), ye, w[0]);
    auto [lo, hi] = storageClamp(ye, c.getActMin(), c.getActMax());
    Value bias = c.getBias() ? c.getBias() : zeros(loc, w[0], b.getIntegerType(32));
    int64_t inOff = -zeroPointOf(xe), outOff = zeroPointOf(ye);
    Value out = result(c.getOutput(), loc);
    // The call's arguments followed by the requantization tables and the clamp.
    auto withRequant = [&](SmallVector<Attribute> args, ArrayRef<int64_t> m, ArrayRef<int64_t> sh) {
      args.append({table(m), table(sh), i32(lo), i32(hi)});
      return args;
    };
    // With constant weights and bias, the fast paths fold the input offset
    // into bias_eff[m] = bias[m] + in_off * sum(w[m]).
    DenseElementsAttr wc = constantStorage(c.getWeight()), bc = constantStorage(bias);
    if (!wc || !bc) {
      call(loc, "conv2d_s8", {get(c.getInput()), get(c.getWeight()), get(bias)}, {out},
           withRequant({i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(w[0]), i32(w[2]), i32(w[3]), i32(y[2]),
                        i32(y[3]), i32(c.getStrides()[0]), i32(c.getStrides()[1]), i32(c.getDilations()[0]),
                        i32(c.getDilations()[1]), i32(c.getPads()[0]), i32(c.getPads()[1]), i32(c.getGroups()),
                        i32(inOff), i32(outOff)},
                       mult, shift));
      return success();
    }
    SmallVector<int64_t> biasEff;
    std::vector<int64_t> wv;
    foldInputOffset(wc, bc, inOff, wv, biasEff);
    bool depthwise3x3 = c.getGroups() == x[1] && w[0] == x[1] && w[1] == 1 && w[2] == 3 && w[3] == 3 &&
                        c.getDilations()[0] == 1 && c.getDilations()[1] == 1;
    // A target's DSP/MVE kernel, if it has one for this layer and the layer
    // fits its requantization (own copies of the tables: fitForDSPRequantization).
    std::string fast = c.getGroups() == 1 ? variant("conv_s8") : depthwise3x3 ? variant("dwconv3x3_s8") : "";
    bool pointwise = direct1x1(c) && c.getGroups() == 1;
    // A target may keep the portable 1x1 kernel for pointwise layers (role conv1x1_s8 naming it): on
    // Cortex-M0+ its two-accumulator loop beats the scalar tile, whose 12 accumulators spill there.
    if (pointwise && variant("conv1x1_s8") == "conv1x1_s8")
      fast = "";
    // The MVE depthwise kernel gathers a window with byte offsets: rows of its
    // padded plane must stay short (2*Wp + 2 < 256); else the DSP kernel.
    if (fast == "dwconv3x3_s8_mve" && 2 * ((y[3] - 1) * c.getStrides()[1] + 3) + 2 >= 256)
      fast = "dwconv3x3_s8_dsp";
    if (fast == "conv_s8_avx2" || fast == "conv_s8_sse41") {
      // (V)PMADDWD over an im2col of int16 tap pairs (16 or 8 pixels); the padded phase-split
      // copy of the float kernels (int8, the zero point as padding) unless 1x1 direct.
      auto st = c.getStrides(), pads = c.getPads();
      int64_t K = w[1] * w[2] * w[3], K2 = (K + 1) / 2;
      bool direct = direct1x1(c);
      PhaseSplit g = phaseSplit(w[1], w[2], w[3], y[2], y[3], st, c.getDilations());
      if (direct)
        g.taps = windowTaps(w[1], 1, 1, x[2], x[3], {1, 1});
      g.taps.resize(2 * K2, 0);
      Value xp = scratch(loc, direct ? 1 : w[1] * g.Hp * st[1] * g.Wq + 8, b.getIntegerType(8));
      Value col = scratch(loc, K2 * (fast == "conv_s8_avx2" ? 32 : 16), b.getIntegerType(16));
      call(loc, fast, {get(c.getInput()), global(loc, packConvWeightsAVX2(wv, w[0], K))}, {xp, col, out},
           withRequant({i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(w[0]), i32(K), i32(y[2]), i32(y[3]),
                        i32(st[0]), i32(st[1]), i32(pads[0]), i32(pads[1]), i32(g.Hp), i32(g.Wq), i32(direct),
                        table(g.taps), i32(-inOff), i32(outOff), table(biasEff)},
                       mult, shift));
      return success();
    }
    if (fast == "conv_s8_scalar") {
      // A 4x3 register-blocked scalar GEMM over an int16 im2col of 3 pixels (TFLite's requantization as is).
      int64_t K = w[1] * w[2] * w[3];
      SmallVector<int64_t> taps = windowTaps(w[1], w[2], w[3], x[2], x[3], c.getDilations());
      Value col = scratch(loc, K * 3, b.getIntegerType(16));
      call(loc, fast, {get(c.getInput()), global(loc, packConvWeightsScalar(wv, w[0], K))}, {col, out},
           withRequant({i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(w[0]), i32(w[2]), i32(w[3]), i32(y[2]),
                        i32(y[3]), i32(c.getStrides()[0]), i32(c.getStrides()[1]), i32(c.getDilations()[0]),
                        i32(c.getDilations()[1]), i32(c.getPads()[0]), i32(c.getPads()[1]), i32(-inOff),
                        table(taps), i32(outOff), table(biasEff)},
                       mult, shift));
      return success();
    }
    int64_t sh = c.getStrides()[0], sw = c.getStrides()[1];
    bool x86dw = fast == "dwconv3x3_s8_avx2" || fast == "dwconv3x3_s8_sse41";
    if (fast == "dwconv3x3_s8_scalar" || (x86dw && sh <= 2 && sw <= 2)) {
      // One channel's padded plane (the zero point as padding); for x86 phase-split, with the 8 bytes a
      // row's last vector may read past it.
      Value xp = scratch(loc, x86dw ? ((y[2] - 1) * sh + 3) * sw * (y[3] + 2 / sw) + 8
                                    : ((y[2] - 1) * sh + 3) * ((y[3] - 1) * sw + 3),
                         b.getIntegerType(8));
      call(loc, fast, {get(c.getInput()), get(c.getWeight())}, {xp, out},
           withRequant({i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(y[2]), i32(y[3]), i32(sh), i32(sw),
                        i32(c.getPads()[0]), i32(c.getPads()[1]), i32(-inOff), i32(outOff), table(biasEff)},
                       mult, shift));
      return success();
    }
    if (x86dw)
      fast.clear();
    SmallVector<int64_t> biasDSP(biasEff.begin(), biasEff.end()), multDSP(mult), shiftDSP(shift);
    if (!fast.empty() && !fitForDSPRequantization(multDSP, shiftDSP, biasDSP, wv, outOff, lo, hi))
      fast.clear();
    if (fast == "conv_s8_dsp" || fast == "conv_s8_dsp_w16" || fast == "conv_s8_mve") {
      // The im2col column of two pixels: int16 pairs (DSP, K to 4) or int8 (MVE, K to 16).
      bool mve = fast == "conv_s8_mve";
      int64_t K = w[1] * w[2] * w[3], Kp = mve ? (K + 15) / 16 * 16 : (K + 3) / 4 * 4;
      Value packed = global(loc, mve                              ? packWeightsMVE(wv, w[0], K)
                                 : fast == "conv_s8_dsp" ? packConvWeightsDSP(wv, w[0], K)
                                                                 : packConvWeightsDSP16(wv, w[0], K));
      Value col = scratch(loc, mve ? Kp / 2 : Kp, b.getIntegerType(32));
      // The padding taps up to Kp read the origin (their weights are zero).
      SmallVector<int64_t> taps = windowTaps(w[1], w[2], w[3], x[2], x[3], c.getDilations());
      taps.resize(Kp, 0);
      call(loc, fast, {get(c.getInput()), packed}, {col, out},
           withRequant({i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(w[0]), i32(w[2]), i32(w[3]), i32(y[2]),
                        i32(y[3]), i32(c.getStrides()[0]), i32(c.getStrides()[1]), i32(c.getDilations()[0]),
                        i32(c.getDilations()[1]), i32(c.getPads()[0]), i32(c.getPads()[1]), i32(-inOff),
                        table(taps), i32(outOff), table(biasDSP)},
                       multDSP, shiftDSP));
      return success();
    }
    if (pointwise)
      call(loc, "conv1x1_s8", {get(c.getInput()), get(c.getWeight())}, {out},
           withRequant({i32(x[0]), i32(x[1]), i32(x[2] * x[3]), i32(w[0]), table(biasEff), i32(outOff)}, mult, shift));
    else if (depthwise3x3 && (fast == "dwconv3x3_s8_dsp" || fast == "dwconv3x3_s8_mve")) {
      // The MVE kernel's padded plane (one channel), or the DSP kernel's three
      // padded input rows (dw_rows_s8_impl), 4-byte aligned.
      int64_t bytes = fast == "dwconv3x3_s8_mve" ? ((y[2] - 1) * sh + 3) * ((y[3] - 1) * sw + 3)
                                                 : 3 * ((y[3] * sw + 6 + 3) / 4 * 4);
      Value work = scratch(loc, bytes, b.getIntegerType(8));
      SmallVector<Value> outs{work, out};
      call(loc, fast, {get(c.getInput()), get(c.getWeight())}, outs,
           withRequant({i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(y[2]), i32(y[3]), i32(c.getStrides()[0]),
                        i32(c.getStrides()[1]), i32(c.getPads()[0]), i32(c.getPads()[1]), i32(-inOff), i32(outOff),
                        table(biasDSP)},
                       multDSP, shiftDSP));
    } else if (depthwise3x3)
      call(loc, "dwconv3x3_s8", {get(c.getInput()), get(c.getWeight()), get(bias)}, {out},
           withRequant({i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(y[2]), i32(y[3]), i32(c.getStrides()[0]),
                        i32(c.getStrides()[1]), i32(c.getPads()[0]), i32(c.getPads()[1]), i32(inOff), i32(outOff),
                        table(biasEff)},
                       mult, shift));
    else
      call(loc, "conv2d_s8_folded", {get(c.getInput()), get(c.getWeight()), get(bias)}, {out},
           withRequant({i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(w[0]), i32(w[2]), i32(w[3]), i32(y[2]),
                        i32(y[3]), i32(c.getStrides()[0]), i32(c.getStrides()[1]), i32(c.getDilations()[0]),
                        i32(c.getDilations()[1]), i32(c.getPads()[0]), i32(c.getPads()[1]), i32(c.getGroups()),
                        i32(inOff), i32(outOff), table(biasEff)},
                       mult, shift));
    return success();
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](nn::Conv2DOp c) -> LogicalResult {
        if (llvm::isa<quant::QuantizedType>(elemOf(c.getInput())))
          return lowerConvS8(c);
        Type e = elemOf(c.getInput());
        if (!e.isInteger(32) && failed(needF32(c.getInput())))
          return failure();
        auto x = shapeOf(c.getInput()), w = shapeOf(c.getWeight()), y = shapeOf(c.getOutput());
        Value bias = c.getBias() ? c.getBias() : zeros(loc, w[0], e);
        auto lo = typedScalar(e, c.getActMin() ? c.getActMin()->convertToDouble() : -INFINITY);
        auto hi = typedScalar(e, c.getActMax() ? c.getActMax()->convertToDouble() : INFINITY);
        Value out = result(c.getOutput(), loc);
        // A target's blocked float kernels (one group with constant weights; depthwise).
        auto st = c.getStrides(), dl = c.getDilations(), pads = c.getPads();
        bool depthwise = c.getGroups() == x[1] && w[0] == x[1] && w[1] == 1;
        std::string fast = !e.isF32() ? "" : c.getGroups() == 1 ? variant("conv_f32") : depthwise ? variant("dwconv_f32") : "";
        DenseElementsAttr wc = constantStorage(c.getWeight());
        int64_t TH = y[2] / 2, TW = y[3] / 2;
        // F(4x4,3x3) where its tiles (runs of 4 along a row again) are many enough to fill the GEMMs.
        if (usesWinograd(c) && variant("conv3x3_large_f32") == "conv3x3_f32_wino4_avx2" && y[2] % 4 == 0 &&
            y[3] % 16 == 0 && (y[2] / 4) * (y[3] / 4) >= 16) {
          int64_t C = w[1], Mp = (w[0] + 3) / 4 * 4, NT = 64; // NT: the kernel's tiles per block
          Value work = scratch(loc, C * (y[2] + 2) * 4 * (y[3] / 4 + 1) + 8 + 36 * (NT * (C + Mp) + 32), e);
          call(loc, "conv3x3_f32_wino4_avx2", {get(c.getInput()), global(loc, packWinograd(wc, w[0], C, 6)), get(bias)},
               {work, out},
               {i32(x[0]), i32(C), i32(x[2]), i32(x[3]), i32(w[0]), i32(y[2]), i32(y[3]), i32(pads[0]), i32(pads[1]),
                lo, hi});
          return success();
        }
        if (usesWinograd(c)) {
          int64_t C = w[1], Mp = (w[0] + 3) / 4 * 4, NT = 96; // NT: the kernel's tiles per block
          Value work = scratch(loc, C * (2 * TH + 2) * (2 * TW + 2) + 16 * (NT * (C + Mp) + 32), e);
          call(loc, "conv3x3_f32_wino_avx2", {get(c.getInput()), global(loc, packWinograd(wc, w[0], C, 4)), get(bias)},
               {work, out},
               {i32(x[0]), i32(C), i32(x[2]), i32(x[3]), i32(w[0]), i32(y[2]), i32(y[3]), i32(pads[0]), i32(pads[1]),
                lo, hi});
          return success();
        }
        if (fast == "dwconv3x3_f32_fpu" && w[2] == 3 && w[3] == 3 && dl[0] == 1 && dl[1] == 1) {
          // One channel's zero-padded plane.
          Value xp = scratch(loc, ((y[2] - 1) * st[0] + 3) * ((y[3] - 1) * st[1] + 3), e);
          call(loc, fast, {get(c.getInput()), get(c.getWeight()), get(bias)}, {xp, out},
               {i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(y[2]), i32(y[3]), i32(st[0]), i32(st[1]),
                i32(pads[0]), i32(pads[1]), lo, hi});
          return success();
        }
        if (fast == "conv2d_f32_fpu" && wc) {
          // A 4-channel register-blocked tile over a float im2col of 4 pixels (fmaf).
          int64_t K = w[1] * w[2] * w[3];
          SmallVector<int64_t> taps = windowTaps(w[1], w[2], w[3], x[2], x[3], dl);
          call(loc, fast, {get(c.getInput()), global(loc, packRowBlocksF32(wc, w[0], K, 4)), get(bias)},
               {scratch(loc, K * 4, e), out},
               {i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(w[0]), i32(w[2]), i32(w[3]), i32(y[2]), i32(y[3]),
                i32(st[0]), i32(st[1]), i32(dl[0]), i32(dl[1]), i32(pads[0]), i32(pads[1]), table(taps), lo, hi});
          return success();
        }
        if (fast == "dwconv_f32_sse41" || fast == "dwconv_f32_mve") {
          // One channel's zero-padded, column-phase-split plane + the 8 floats a row's last step reads.
          PhaseSplit g = phaseSplit(1, w[2], w[3], y[2], y[3], st, dl);
          call(loc, fast, {get(c.getInput()), get(c.getWeight()), get(bias)}, {scratch(loc, g.Hp * st[1] * g.Wq + 8, e), out},
               {i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(w[2]), i32(w[3]), i32(y[2]), i32(y[3]), i32(st[0]),
                i32(st[1]), i32(dl[0]), i32(dl[1]), i32(pads[0]), i32(pads[1]), lo, hi});
          return success();
        }
        if ((fast == "conv2d_f32_avx2" || fast == "conv2d_f32_sse41" || fast == "conv2d_f32_mve") && wc) {
          int64_t K = w[1] * w[2] * w[3];
          bool direct = direct1x1(c);
          // Small planes or short rows (a fraction of a vector): vectors over output channels;
          // always when a side is channel-interleaved (chooseInterleaved).
          bool inC8 = c8.count(c.getInput()), outC8 = c8.count(c.getOutput());
          int64_t nb = avx2ConvTile(w[0], y[2], y[3], direct);
          if (inC8 || outC8)
            nb = nb ? nb : 16;
          if (nb && variant("conv_small_f32") == "conv2d_f32_cm_avx2" && dl[0] == 1 && dl[1] == 1) {
            int64_t Hp = (y[2] - 1) * st[0] + w[2], Wq = (y[3] - 1) * st[1] + w[3];
            // Taps in x itself (planar, or interleaved: channel k at (k/8)*8*H*W + k%8 from the pixel), or in
            // the padded copy's Hp x Wq planes.
            SmallVector<int64_t> taps = direct ? windowTaps(w[1], 1, 1, x[2], x[3], {1, 1})
                                               : windowTaps(w[1], w[2], w[3], Hp, Wq, {1, 1});
            if (inC8)
              for (int64_t k = 0; k < K; ++k)
                taps[k] = k / 8 * 8 * x[2] * x[3] + k % 8;
            Value xp = scratch(loc, direct ? 1 : w[1] * Hp * Wq + 8, e); // + pad_phase_f32's room
            call(loc, "conv2d_f32_cm_avx2", {get(c.getInput()), global(loc, packRowBlocksF32(wc, w[0], K, nb)), get(bias)},
                 {xp, out},
                 {i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(w[0]), i32(K), i32(y[2]), i32(y[3]), i32(st[0]),
                  i32(st[1]), i32(pads[0]), i32(pads[1]), i32(Hp), i32(Wq), i32(direct), i32(nb),
                  i32(inC8 | outC8 << 1), table(taps), lo, hi});
            return success();
          }
          // 1x1 without padding: x itself (stride 1) or its sampled pixels (mode 2), no padded copy.
          bool strided1x1 = unpadded1x1(w, pads) && !direct;
          PhaseSplit g = phaseSplit(w[1], w[2], w[3], y[2], y[3], st, dl);
          // The padded copy + pad_phase_f32's room, or (direct) the compact copy and the last tile's
          // (24 pixels; SSE4.1's 8, Helium's 4).
          int64_t tile = fast == "conv2d_f32_avx2" ? 24 : 8;
          Value xp = scratch(loc, direct ? K * tile : strided1x1 ? w[1] * y[2] * y[3] + K * tile
                                                                 : w[1] * g.Hp * st[1] * g.Wq + 8, e);
          call(loc, fast, {get(c.getInput()), global(loc, packRowBlocksF32(wc, w[0], K, 4)), get(bias)}, {xp, out},
               {i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(w[0]), i32(K), i32(y[2]), i32(y[3]), i32(st[0]),
                i32(st[1]), i32(pads[0]), i32(pads[1]), i32(g.Hp), i32(g.Wq), i32(direct ? 1 : strided1x1 ? 2 : 0),
                table(g.taps), lo, hi});
          return success();
        }
        if (fast == "dwconv_f32_avx2" && wc) {
          // Work: the 8-channel interleaved padded input and output (see the kernel).
          int64_t Hp = (y[2] - 1) * st[0] + (w[2] - 1) * dl[0] + 1, Wp = (y[3] - 1) * st[1] + (w[3] - 1) * dl[1] + 1;
          Value work = scratch(loc, (Hp * Wp + y[2] * y[3] + 7) * 8, e);
          call(loc, fast, {get(c.getInput()), global(loc, packRowBlocksF32(wc, w[0], w[2] * w[3], 8)), get(bias)},
               {work, out},
               {i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(w[2]), i32(w[3]), i32(y[2]), i32(y[3]), i32(st[0]),
                i32(st[1]), i32(dl[0]), i32(dl[1]), i32(pads[0]), i32(pads[1]),
                i32(c8.count(c.getInput()) | c8.count(c.getOutput()) << 1), lo, hi});
          return success();
        }
        call(loc, "conv2d_" + typeSuffix(e), {get(c.getInput()), get(c.getWeight()), get(bias)}, {out},
             {i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(w[0]), i32(w[2]), i32(w[3]), i32(y[2]), i32(y[3]),
              i32(c.getStrides()[0]), i32(c.getStrides()[1]), i32(c.getDilations()[0]), i32(c.getDilations()[1]),
              i32(c.getPads()[0]), i32(c.getPads()[1]), i32(c.getGroups()), lo, hi});
        return success();
      })
      .Case([&](nn::ConvTranspose2DOp c) -> LogicalResult {
        if (failed(needF32(c.getInput())))
          return failure();
        auto x = shapeOf(c.getInput()), w = shapeOf(c.getWeight()), y = shapeOf(c.getOutput());
        Value bias = c.getBias() ? c.getBias() : zeros(loc, y[1], elemOf(c.getInput()));
        Value out = result(c.getOutput(), loc);
        call(loc, "conv_transpose2d_f32", {get(c.getInput()), get(c.getWeight()), get(bias)}, {out},
             {i32(x[0]), i32(x[1]), i32(x[2]), i32(x[3]), i32(y[1]), i32(w[2]), i32(w[3]), i32(y[2]), i32(y[3]),
              i32(c.getStrides()[0]), i32(c.getStrides()[1]), i32(c.getDilations()[0]), i32(c.getDilations()[1]),
              i32(c.getPads()[0]), i32(c.getPads()[1]), i32(c.getGroups())});
        return success();
      })
      .Case([&](quant::StorageCastOp c) -> LogicalResult {
        // Same bytes, other type: a view (of a weight, an input or a buffer).
        buffers[c.getResult()] = b.create<kernel::ViewOp>(loc, memrefFor(c.getResult()), get(c.getArg()));
        return success();
      })
      .Case<quant::QuantizeCastOp, quant::DequantizeCastOp>([&](Operation *) -> LogicalResult {
        // Float <-> integer at a boundary: per tensor, or per channel of the
        // quantized axis (the data seen as outer x channels x inner).
        bool quantize = llvm::isa<quant::QuantizeCastOp>(op);
        Value x = op->getOperand(0), y = op->getResult(0);
        Type qt = elemOf(quantize ? y : x);
        auto shape = shapeOf(x);
        int64_t outer = product(shape), channels = 1, inner = 1;
        if (auto pa = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(qt)) {
          int64_t axis = pa.getQuantizedDimension();
          outer = product(shape, 0, axis), channels = shape[axis], inner = product(shape, axis + 1);
        }
        std::string st = typeSuffix(qt);
        std::string name = quantize ? "quantize_f32_" + st : "dequantize_" + st + "_f32";
        if (st != "i8" && st != "u8" && !(st == "i32" && !quantize))
          return op->emitError("no kernel for ") << (quantize ? "quantizing to " : "dequantizing ") << storageOf(qt)
                                                 << " (int8 and uint8 only, int32 for DequantizeLinear)";
        if (!elemOf(quantize ? x : y).isF32())
          return op->emitError("quantization to or from ") << elemOf(quantize ? x : y) << " (float32 only)";
        Value out = result(y, loc);
        call(loc, name, {get(x)}, {out},
             {i32(outer), i32(channels), i32(inner), b.getDenseF32ArrayAttr(scalesOf(qt)), table(zeroPointsOf(qt))});
        return success();
      })
      .Case([&](nn::FullyConnectedOp f) -> LogicalResult {
        Type xe = elemOf(f.getInput());
        if (llvm::isa<quant::QuantizedType>(xe)) {
          // TFLite int8 fully connected: int32 accumulation with the input
          // offset, requantized per output channel by multiplier and shift.
          Type ye = elemOf(f.getOutput()), we = elemOf(f.getWeight());
          if (!llvm::isa<quant::UniformQuantizedType>(xe) || !llvm::isa<quant::UniformQuantizedType>(ye) ||
              !llvm::cast<quant::QuantizedType>(xe).isSigned() || !llvm::cast<quant::QuantizedType>(ye).isSigned())
            return op->emitError("int8 fully connected needs per-tensor signed int8 input and output");
          auto x = shapeOf(f.getInput()), w = shapeOf(f.getWeight());
          auto [mult, shift] = requantTables(xe, we, ye, w[0]);
          auto [lo, hi] = storageClamp(ye, f.getActMin(), f.getActMax());
          Value bias = f.getBias() ? f.getBias() : zeros(loc, w[0], b.getIntegerType(32));
          Value out = result(f.getOutput(), loc);
          // A target's DSP/MVE kernel: constant weights, the input offset folded
          // into the bias, the layer fitting its requantization.
          std::string fcVariant = variant("fully_connected_s8");
          DenseElementsAttr wc = constantStorage(f.getWeight()), bc = constantStorage(bias);
          int64_t N = w[0], K = w[1], inOff = -zeroPointOf(xe);
          std::vector<int64_t> wv;
          SmallVector<int64_t> biasEff, multDSP(mult), shiftDSP(shift);
          // The x86 and scalar kernels requantize as TFLite does; the DSP/MVE ones need fitForDSPRequantization.
          bool tfliteRequant = fcVariant == "fully_connected_s8_avx2" || fcVariant == "fully_connected_s8_sse41" ||
                               fcVariant == "fully_connected_s8_scalar";
          bool known = tfliteRequant || fcVariant == "fully_connected_s8_dsp" ||
                       fcVariant == "fully_connected_s8_dsp_w16" || fcVariant == "fully_connected_s8_mve";
          if (known && wc && bc)
            foldInputOffset(wc, bc, inOff, wv, biasEff);
          if (tfliteRequant && !biasEff.empty()) {
            call(loc, fcVariant, {get(f.getInput()), get(f.getWeight())}, {out},
                 {i32(x[0]), i32(K), i32(N), table(biasEff), i32(zeroPointOf(ye)), table(mult), table(shift),
                  i32(lo), i32(hi)});
            return success();
          }
          if (!biasEff.empty() && fitForDSPRequantization(multDSP, shiftDSP, biasEff, wv, zeroPointOf(ye), lo, hi)) {
            SmallVector<Value> outs{out};
            Value weights;
            if (fcVariant == "fully_connected_s8_dsp") {
              weights = get(f.getWeight());
            } else if (fcVariant == "fully_connected_s8_mve") { // rows padded to 16, the input row copied
              weights = global(loc, packWeightsMVE(wv, N, K));
              outs.insert(outs.begin(), scratch(loc, (K + 15) / 16 * 4, b.getIntegerType(32)));
            } else { // int16 weights and the input row widened into a scratch buffer
              weights = global(loc, packFCWeightsDSP16(wv, N, K));
              outs.insert(outs.begin(), scratch(loc, (K + 3) / 4 * 2, b.getIntegerType(32)));
            }
            call(loc, fcVariant, {get(f.getInput()), weights}, outs,
                 {i32(x[0]), i32(K), i32(N), table(biasEff), i32(zeroPointOf(ye)), table(multDSP), table(shiftDSP),
                  i32(lo), i32(hi)});
            return success();
          }
          call(loc, "fully_connected_s8", {get(f.getInput()), get(f.getWeight()), get(bias)}, {out},
               {i32(x[0]), i32(K), i32(N), i32(inOff), i32(zeroPointOf(ye)), table(mult), table(shift),
                i32(lo), i32(hi)});
          return success();
        }
        if (failed(needF32(f.getInput())))
          return failure();
        auto x = shapeOf(f.getInput()), w = shapeOf(f.getWeight());
        Value bias = f.getBias() ? f.getBias() : zeros(loc, w[0], elemOf(f.getInput()));
        auto [lo, hi] = clampArgs(f.getActMin(), f.getActMax());
        Value out = result(f.getOutput(), loc);
        call(loc, kernelFor("fully_connected_f32"), {get(f.getInput()), get(f.getWeight()), get(bias)}, {out},
             {i32(x[0]), i32(x[1]), i32(w[0]), lo, hi});
        return success();
      })
      .Case([&](nn::MatMulOp m) -> LogicalResult {
        if (!elemOf(m.getLhs()).isInteger(32) && failed(needF32(m.getLhs())))
          return failure();
        auto a = shapeOf(m.getLhs()), bb = shapeOf(m.getRhs()), y = shapeOf(m.getOutput());
        int64_t M = a[a.size() - 2], K = a.back(), N = bb.back();
        SmallVector<int64_t> batch(y.begin(), y.end() - 2);
        SmallVector<int64_t> ab(a.begin(), a.end() - 2), bbatch(bb.begin(), bb.end() - 2);
        int64_t B = product(batch);
        SmallVector<int64_t> aoff, boff;
        auto as = broadcastStrides(ab, batch), bs = broadcastStrides(bbatch, batch);
        auto bp = pad6(batch);
        for (int64_t t = 0; t < B; ++t) {
          int64_t rem = t, ao = 0, bo = 0;
          for (int d = kRank - 1; d >= 0; --d) {
            int64_t i = rem % bp[d];
            rem /= bp[d];
            ao += i * as[d];
            bo += i * bs[d];
          }
          aoff.push_back(ao * M * K);
          boff.push_back(bo * K * N);
        }
        Value out = result(m.getOutput(), loc);
        call(loc, "matmul_" + typeSuffix(elemOf(m.getLhs())), {get(m.getLhs()), get(m.getRhs())}, {out},
             {i32(B), i32(M), i32(K), i32(N), table(aoff), table(boff)});
        return success();
      })
      .Case([&](nn::UnaryOp u) -> LogicalResult {
        if (u.getKind() == nn::UnaryKind::copy) {
          auto s = shapeOf(u.getInput());
          return lowerStridedCopy(loc, u.getInput(), u.getOutput(), s, rowMajorStrides(s), 0);
        }
        Type e = elemOf(u.getInput());
        std::string suffix = typeSuffix(e);
        auto kind = u.getKind();
        if (auto qe = llvm::dyn_cast<quant::UniformQuantizedType>(e);
            qe && (kind == nn::UnaryKind::sigmoid || kind == nn::UnaryKind::tanh)) {
          // TFLite int8 Logistic / Tanh: the input rescaled to Q4.27 fixed
          // point (multiplier and left shift from frexp, as TFLite prepares
          // them), gemmlowp's fixed-point function, output 1/256 (zp -128)
          // for Logistic and 1/128 (zp 0) for Tanh.
          bool sig = kind == nn::UnaryKind::sigmoid;
          auto ye = llvm::dyn_cast<quant::UniformQuantizedType>(elemOf(u.getOutput()));
          if (!ye || !qe.isSigned() || qe.getStorageTypeIntegralWidth() != 8 ||
              (float)ye.getScale() != (sig ? 1.0f / 256 : 1.0f / 128) || ye.getZeroPoint() != (sig ? -128 : 0))
            return op->emitError("int8 ") << (sig ? "Logistic" : "Tanh") << " needs int8 input and the output grid "
                                          << (sig ? "1/256, zero point -128" : "1/128, zero point 0");
          int shift;
          double q = std::frexp((double)(float)qe.getScale() * (double)(1 << (31 - 4)), &shift);
          int64_t mult = (int64_t)std::round(q * (double)(1ll << 31));
          double radius = std::floor(15.0 * (double)(1ll << 27) / std::ldexp(1.0, shift));
          Value out = result(u.getOutput(), loc);
          call(loc, sig ? "logistic_s8" : "tanh_s8", {get(u.getInput())}, {out},
               {i32(product(shapeOf(u.getInput()))), i32(qe.getZeroPoint()), i32((int64_t)radius), i32(mult),
                i32(shift)});
          return success();
        }
        if (auto qe = llvm::dyn_cast<quant::QuantizedType>(e)) {
          // Other unary ops on quantized values: only a clamp on the integers.
          if (kind != nn::UnaryKind::clip)
            return op->emitError("int8 ") << nn::stringifyUnaryKind(kind) << " has no integer kernel yet";
          e = qe.getStorageType();
        }
        if (!e.isF32()) {
          bool typed = isTypedSuffix(suffix) && (kind == nn::UnaryKind::relu || kind == nn::UnaryKind::clip ||
                                                 kind == nn::UnaryKind::neg || kind == nn::UnaryKind::abs);
          if (!typed)
            return op->emitError("element type ") << e << " is not supported for " << nn::stringifyUnaryKind(kind)
                                                  << " (float32 only)";
          Value out = result(u.getOutput(), loc);
          SmallVector<Attribute> args{i32(product(shapeOf(u.getInput())))};
          if (kind == nn::UnaryKind::clip)
            args.append({typedScalar(e, u.getAlpha().convertToDouble()), typedScalar(e, u.getBeta().convertToDouble())});
          call(loc, (nn::stringifyUnaryKind(kind) + "_" + suffix).str(), {get(u.getInput())}, {out}, args);
          return success();
        }
        Value out = result(u.getOutput(), loc);
        call(loc, (nn::stringifyUnaryKind(u.getKind()) + "_f32").str(), {get(u.getInput())}, {out},
             {i32(product(shapeOf(u.getInput()))), f32(u.getAlpha().convertToDouble()),
              f32(u.getBeta().convertToDouble())});
        return success();
      })
      .Case([&](nn::BinaryOp bo) -> LogicalResult {
        Type e = elemOf(bo.getLhs());
        if (llvm::isa<quant::QuantizedType>(e)) {
          // TFLite int8 Add: both inputs rescaled to twice the larger input
          // scale with 20 bits of headroom, summed, requantized to the output.
          Type be = elemOf(bo.getRhs()), ye = elemOf(bo.getOutput());
          bool isMul = bo.getKind() == nn::BinaryKind::mul;
          if ((bo.getKind() != nn::BinaryKind::add && !isMul) || !llvm::isa<quant::UniformQuantizedType>(e) ||
              !llvm::isa<quant::UniformQuantizedType>(be) || !llvm::isa<quant::UniformQuantizedType>(ye) ||
              shapeOf(bo.getLhs()) != shapeOf(bo.getRhs()))
            return op->emitError("int8 elementwise ops are supported as Add and Mul of equal shapes so far");
          float s1 = scalesOf(e)[0], s2 = scalesOf(be)[0], so = scalesOf(ye)[0];
          if (isMul) {
            // TFLite int8 Mul: the product of the offset inputs, requantized by s1 * s2 / s_out.
            int32_t m, sh;
            quantizeMultiplier((double)s1 * (double)s2 / (double)so, m, sh);
            auto [lo, hi] = storageClamp(ye, bo.getActMin(), bo.getActMax());
            Value out = result(bo.getOutput(), loc);
            call(loc, "mul_s8", {get(bo.getLhs()), get(bo.getRhs())}, {out},
                 {i32(product(shapeOf(bo.getOutput()))), i32(-zeroPointOf(e)), i32(-zeroPointOf(be)),
                  i32(zeroPointOf(ye)), i32(m), i32(sh), i32(lo), i32(hi)});
            return success();
          }
          const int leftShift = 20;
          double twiceMax = 2 * (double)std::max(s1, s2);
          int32_t m1, sh1, m2, sh2, mo, sho;
          quantizeMultiplier((double)s1 / twiceMax, m1, sh1);
          quantizeMultiplier((double)s2 / twiceMax, m2, sh2);
          quantizeMultiplier(twiceMax / ((1 << leftShift) * (double)so), mo, sho);
          auto [lo, hi] = storageClamp(ye, bo.getActMin(), bo.getActMax());
          Value out = result(bo.getOutput(), loc);
          call(loc, kernelFor("add_s8"), {get(bo.getLhs()), get(bo.getRhs())}, {out},
               {i32(product(shapeOf(bo.getOutput()))), i32(-zeroPointOf(e)), i32(-zeroPointOf(be)),
                i32(zeroPointOf(ye)), i32(leftShift), i32(m1), i32(sh1), i32(m2), i32(sh2), i32(mo), i32(sho), i32(lo),
                i32(hi)});
          return success();
        }
        std::string suffix = typeSuffix(e);
        if (elemOf(bo.getRhs()) != e)
          return op->emitError("operands have different element types");
        if (!isTypedSuffix(suffix))
          return op->emitError("element type ") << e << " is not supported for elementwise arithmetic";
        if (suffix != "f32" && bo.getKind() == nn::BinaryKind::prelu)
          return op->emitError("PRelu of ") << e << " is not supported (float32 only)";
        auto y = shapeOf(bo.getOutput());
        Attribute lo, hi;
        if (suffix == "f32")
          std::tie(lo, hi) = clampArgs(bo.getActMin(), bo.getActMax());
        else
          lo = typedScalar(e, -INFINITY), hi = typedScalar(e, INFINITY);
        Value out = result(bo.getOutput(), loc);
        // A target's kernel for operands shaped like the output (residual adds).
        std::string same = variant((nn::stringifyBinaryKind(bo.getKind()) + "_same_" + suffix).str());
        if (!same.empty() && shapeOf(bo.getLhs()) == y && shapeOf(bo.getRhs()) == y) {
          call(loc, same, {get(bo.getLhs()), get(bo.getRhs())}, {out}, {i32(product(y)), lo, hi});
          return success();
        }
        call(loc, (nn::stringifyBinaryKind(bo.getKind()) + "_" + suffix).str(), {get(bo.getLhs()), get(bo.getRhs())},
             {out},
             {table(pad6(y)), table(broadcastStrides(shapeOf(bo.getLhs()), y)),
              table(broadcastStrides(shapeOf(bo.getRhs()), y)), lo, hi});
        return success();
      })
      .Case([&](nn::Pool2DOp p) -> LogicalResult {
        Type xe = elemOf(p.getInput());
        if (p.getKind() == nn::PoolKind::avg && llvm::isa<quant::QuantizedType>(xe)) {
          // TFLite int8 average pooling (in and out share their quantization).
          auto qt = llvm::dyn_cast<quant::UniformQuantizedType>(xe);
          if (!qt || xe != elemOf(p.getOutput()) || !qt.isSigned() || qt.getStorageTypeIntegralWidth() != 8 ||
              (p.getCountIncludePad() && llvm::any_of(p.getPads(), [](int64_t v) { return v != 0; })))
            return op->emitError("int8 average pooling needs signed int8 with the input's quantization on the "
                                 "output and count_include_pad = 0");
          auto x = shapeOf(p.getInput()), y = shapeOf(p.getOutput());
          auto k = p.getKernel(), s = p.getStrides(), d = p.getDilations(), pads = p.getPads();
          Value out = result(p.getOutput(), loc);
          call(loc, "avgpool2d_s8", {get(p.getInput())}, {out},
               {i32(x[0] * x[1]), i32(x[2]), i32(x[3]), i32(y[2]), i32(y[3]), i32(k[0]), i32(k[1]), i32(s[0]),
                i32(s[1]), i32(d[0]), i32(d[1]), i32(pads[0]), i32(pads[1]), i32(qt.getStorageTypeMin()),
                i32(qt.getStorageTypeMax())});
          return success();
        }
        std::string suffix = typeSuffix(xe);
        if (p.getKind() == nn::PoolKind::avg || !isTypedSuffix(suffix))
          if (failed(needF32(p.getInput())))
            return failure();
        auto x = shapeOf(p.getInput()), y = shapeOf(p.getOutput());
        auto k = p.getKernel(), s = p.getStrides(), d = p.getDilations(), pads = p.getPads();
        Value out = result(p.getOutput(), loc);
        SmallVector<Attribute> args{i32(x[0] * x[1]), i32(x[2]), i32(x[3]), i32(y[2]), i32(y[3]), i32(k[0]),
                                    i32(k[1]), i32(s[0]), i32(s[1]), i32(d[0]), i32(d[1]), i32(pads[0]), i32(pads[1])};
        if (p.getKind() == nn::PoolKind::avg) {
          // count_include_pad counts the explicit pads only (not ceil-mode extension).
          args.append({i32(pads[2]), i32(pads[3]), i32(p.getCountIncludePad())});
          call(loc, "avgpool2d_f32", {get(p.getInput())}, {out}, args);
        } else {
          call(loc, "maxpool2d_" + suffix, {get(p.getInput())}, {out}, args);
        }
        return success();
      })
      .Case([&](nn::ReduceOp r) -> LogicalResult {
        Type xe = elemOf(r.getInput());
        if (llvm::isa<quant::QuantizedType>(xe)) {
          // Integer average over trailing axes with equal in/out parameters:
          // TFLite's average pooling (rounded division of the int32 sum).
          auto x = shapeOf(r.getInput());
          auto axes = r.getAxes();
          bool trailing = !axes.empty() && axes.back() == (int64_t)x.size() - 1;
          for (size_t i = 1; i < axes.size(); ++i)
            trailing &= axes[i] == axes[i - 1] + 1;
          if (r.getKind() != nn::ReduceKind::mean || !trailing || xe != elemOf(r.getOutput()))
            return op->emitError("int8 reductions are supported as averages over trailing axes with the "
                                 "input's quantization");
          int64_t inner = product(x, axes.front());
          Value out = result(r.getOutput(), loc);
          auto qt = llvm::cast<quant::QuantizedType>(xe);
          call(loc, "reduce_mean_s8", {get(r.getInput())}, {out},
               {i32(product(x, 0, axes.front())), i32(inner), i32(qt.getStorageTypeMin()), i32(qt.getStorageTypeMax())});
          return success();
        }
        if (failed(needF32(r.getInput())))
          return failure();
        auto x = shapeOf(r.getInput()), y = shapeOf(r.getOutput());
        auto ys = rowMajorStrides(y);
        SmallVector<int64_t> ostr(x.size());
        int64_t count = 1;
        for (size_t i = 0; i < x.size(); ++i) {
          bool reduced = llvm::is_contained(r.getAxes(), (int64_t)i);
          ostr[i] = reduced ? 0 : ys[i];
          if (reduced)
            count *= x[i];
        }
        Value out = result(r.getOutput(), loc);
        // Reduced axes all after the kept ones (size-1 axes aside): each output
        // reduces a contiguous run, which a target may have a kernel for.
        bool trailing = true, seenReduced = false;
        for (size_t i = 0; i < x.size(); ++i)
          if (x[i] > 1) {
            bool reduced = ostr[i] == 0;
            trailing &= reduced || !seenReduced;
            seenReduced |= reduced;
          }
        if (std::string rows = variant("reduce_rows_f32"); trailing && !rows.empty()) {
          call(loc, rows, {get(r.getInput())}, {out}, {i32(product(y)), i32(count), i32((int)r.getKind())});
          return success();
        }
        call(loc, "reduce_f32", {get(r.getInput())}, {out},
             {table(pad6(x)), table(pad6(ostr, 0)), i32(product(y)), i32((int)r.getKind()), i32(count)});
        return success();
      })
      .Case([&](nn::SoftmaxOp s) -> LogicalResult {
        if (llvm::isa<quant::QuantizedType>(elemOf(s.getInput()))) {
          // TFLite's PreprocessSoftmaxScaling (beta 1, 5 integer bits for the
          // scaled differences) and CalculateInputRadius.
          auto x = shapeOf(s.getInput());
          if ((int64_t)s.getAxis() != (int64_t)x.size() - 1 || s.getLog())
            return op->emitError("int8 softmax is supported over the last axis only");
          const int kScaledDiffIntegerBits = 5;
          double real = std::min<double>(1.0 * (double)scalesOf(elemOf(s.getInput()))[0] *
                                             (double)(1 << (31 - kScaledDiffIntegerBits)),
                                         (double)((1ll << 31) - 1));
          int32_t mult, leftShift;
          quantizeMultiplier(real, mult, leftShift);
          double radius = 1.0 * ((1 << kScaledDiffIntegerBits) - 1) *
                          (double)(1ll << (31 - kScaledDiffIntegerBits)) / (double)(1ll << leftShift);
          int32_t diffMin = -(int32_t)std::floor(radius);
          Value out = result(s.getOutput(), loc);
          call(loc, "softmax_s8", {get(s.getInput())}, {out},
               {i32(product(x, 0, x.size() - 1)), i32(x.back()), i32(mult), i32(leftShift), i32(diffMin)});
          return success();
        }
        if (failed(needF32(s.getInput())))
          return failure();
        auto x = shapeOf(s.getInput());
        int64_t axis = s.getAxis();
        Value out = result(s.getOutput(), loc);
        call(loc, "softmax_f32", {get(s.getInput())}, {out},
             {i32(product(x, 0, axis)), i32(x[axis]), i32(product(x, axis + 1)), i32(s.getLog())});
        return success();
      })
      .Case([&](nn::NormalizeOp n) -> LogicalResult {
        if (failed(needF32(n.getInput())))
          return failure();
        auto x = shapeOf(n.getInput());
        Value out = result(n.getOutput(), loc);
        Value mean = result(n.getMean(), loc), inv = result(n.getInvStdDev(), loc);
        call(loc, "normalize_f32", {get(n.getInput())}, {out, mean, inv},
             {i32(product(x, 0, n.getAxis())), i32(product(x, n.getAxis())), f32(n.getEpsilon().convertToDouble())});
        return success();
      })
      .Case([&](nn::TransposeOp t) -> LogicalResult {
        auto x = shapeOf(t.getInput()), y = shapeOf(t.getOutput());
        auto xs = rowMajorStrides(x);
        SmallVector<int64_t> st;
        for (int64_t p : t.getPerm())
          st.push_back(xs[p]);
        return lowerStridedCopy(loc, t.getInput(), t.getOutput(), y, st, 0);
      })
      .Case([&](nn::SliceOp s) -> LogicalResult {
        auto x = shapeOf(s.getInput()), y = shapeOf(s.getOutput());
        auto xs = rowMajorStrides(x);
        SmallVector<int64_t> st;
        int64_t base = 0;
        for (size_t d = 0; d < x.size(); ++d) {
          st.push_back(xs[d] * s.getSteps()[d]);
          base += s.getStarts()[d] * xs[d];
        }
        return lowerStridedCopy(loc, s.getInput(), s.getOutput(), y, st, base);
      })
      .Case([&](nn::ReshapeOp r) -> LogicalResult {
        Value src = get(r.getInput());
        Value v = b.create<kernel::ViewOp>(loc, memrefFor(r.getOutput()), src);
        buffers[r.getOutput()] = v;
        return success();
      })
      .Case([&](nn::ConcatOp c) -> LogicalResult {
        auto y = shapeOf(c.getOutput());
        int64_t axis = c.getAxis(), eb = kernel::elementBytes(storageOf(elemOf(c.getOutput())));
        int64_t outer = product(y, 0, axis), inner = product(y, axis + 1) * eb;
        auto found = buffers.find(c.getOutput()); // created by a producer writing into its slice
        Value out = found != buffers.end() ? found->second : result(c.getOutput(), loc);
        int64_t at = 0;
        for (Value in : c.getInputs()) {
          int64_t n = shapeOf(in)[axis];
          if (!concatSlot.count(in)) // else its producer already wrote it in place
            call(loc, "concat_part", {get(in)}, {out},
                 {i32(outer), i32(n * inner), i32(y[axis] * inner), i32(at * inner)});
          at += n;
        }
        return success();
      })
      .Case([&](nn::PadOp p) -> LogicalResult {
        Type e = elemOf(p.getInput());
        if (!isTypedSuffix(typeSuffix(e)))
          return op->emitError("padding of ") << e << " is not supported";
        auto x = shapeOf(p.getInput()), y = shapeOf(p.getOutput());
        SmallVector<int64_t> before(p.getPads().begin(), p.getPads().begin() + x.size());
        int mode = p.getMode() == "constant" ? 0 : p.getMode() == "reflect" ? 1 : 2;
        Value out = result(p.getOutput(), loc);
        call(loc, "pad_" + typeSuffix(e), {get(p.getInput())}, {out},
             {table(pad6(x)), table(pad6(y)), table(pad6(before, 0)), i32(mode),
              typedScalar(e, p.getValue().convertToDouble())});
        return success();
      })
      .Case([&](nn::GatherOp g) -> LogicalResult {
        auto x = shapeOf(g.getInput());
        Type it = elemOf(g.getIndices());
        if (!it.isInteger(64) && !it.isInteger(32))
          return op->emitError("gather indices must be int32 or int64");
        int64_t eb = kernel::elementBytes(storageOf(elemOf(g.getInput())));
        if (eb != 1 && eb != 4 && eb != 8)
          return op->emitError("gather of ") << elemOf(g.getInput()) << " is not supported";
        int64_t axis = g.getAxis();
        Value out = result(g.getOutput(), loc);
        call(loc, "gather_b" + std::to_string(eb) + "_i" + std::to_string(it.getIntOrFloatBitWidth()),
             {get(g.getInput()), get(g.getIndices())}, {out},
             {i32(product(x, 0, axis)), i32(x[axis]), i32(product(x, axis + 1)),
              i32(product(shapeOf(g.getIndices())))});
        return success();
      })
      .Case([&](nn::CastOp c) -> LogicalResult {
        std::string name = "cast_" + typeSuffix(elemOf(c.getInput())) + "_" + typeSuffix(elemOf(c.getOutput()));
        bool half = name == "cast_f16_f32" || name == "cast_f32_f16";
        if (!half && (!isTypedSuffix(typeSuffix(elemOf(c.getInput()))) ||
                      !isTypedSuffix(typeSuffix(elemOf(c.getOutput())))))
          return op->emitError("cast from ") << elemOf(c.getInput()) << " to " << elemOf(c.getOutput())
                                             << " is not supported";
        Value out = result(c.getOutput(), loc);
        call(loc, name, {get(c.getInput())}, {out}, {i32(product(shapeOf(c.getInput())))});
        return success();
      })
      .Case([&](nn::ResizeOp r) -> LogicalResult {
        if (failed(needF32(r.getInput())))
          return failure();
        auto x = pad6(shapeOf(r.getInput())), y = pad6(shapeOf(r.getOutput()));
        SmallVector<float> scales(kRank - r.getScales().size(), 1.0f);
        scales.append(r.getScales().begin(), r.getScales().end());
        StringRef mode = r.getMode(), cm = r.getCoordinateMode(), nm = r.getNearestMode();
        int64_t taps = mode == "nearest" ? 1 : mode == "linear" ? 2 : 4;
        double A = r.getCubicCoeffA().convertToDouble();
        bool excludeOutside = r->hasAttr("exclude_outside");
        SmallVector<int64_t> nt, at, idx;
        SmallVector<float> w;
        for (int d = 0; d < kRank; ++d) {
          bool identity = x[d] == y[d] && scales[d] == 1.0f;
          int64_t n = identity ? 1 : taps;
          nt.push_back(n);
          at.push_back(idx.size());
          for (int64_t o = 0; o < y[d]; ++o) {
            double s = scales[d], xo;
            if (identity) {
              idx.push_back(o), w.push_back(1.0f);
              continue;
            }
            if (cm == "half_pixel") xo = (o + 0.5) / s - 0.5;
            else if (cm == "pytorch_half_pixel") xo = y[d] > 1 ? (o + 0.5) / s - 0.5 : 0.0;
            else if (cm == "align_corners") { // ONNX uses the unrounded resized length
              double lr = x[d] * s;
              xo = lr > 1 ? o * double(x[d] - 1) / (lr - 1) : 0.0;
            }
            else if (cm == "tf_half_pixel_for_nn") xo = (o + 0.5) / s;
            else xo = o / s; // asymmetric
            auto clampIdx = [&](int64_t i) { return std::clamp<int64_t>(i, 0, x[d] - 1); };
            double f = std::floor(xo), t = xo - f;
            if (n == 1) {
              int64_t i;
              if (nm == "floor") i = (int64_t)f;
              else if (nm == "ceil") i = (int64_t)std::ceil(xo);
              else if (nm == "round_prefer_ceil") i = (int64_t)(t >= 0.5 ? f + 1 : f);
              else i = (int64_t)(t > 0.5 ? f + 1 : f); // round_prefer_floor
              idx.push_back(clampIdx(i)), w.push_back(1.0f);
            } else if (n == 2) {
              idx.push_back(clampIdx((int64_t)f)), w.push_back((float)(1.0 - t));
              idx.push_back(clampIdx((int64_t)f + 1)), w.push_back((float)t);
            } else { // cubic convolution (Keys), ONNX's coefficient layout
              double c[4] = {((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A,
                             ((A + 2) * t - (A + 3)) * t * t + 1,
                             ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1,
                             ((A * (2 - t) - 5 * A) * (2 - t) + 8 * A) * (2 - t) - 4 * A};
              double sum = 0;
              for (int j = 0; j < 4; ++j) {
                int64_t i = (int64_t)f - 1 + j;
                if (excludeOutside && (i < 0 || i >= x[d]))
                  c[j] = 0;
                sum += c[j];
              }
              for (int j = 0; j < 4; ++j) {
                idx.push_back(clampIdx((int64_t)f - 1 + j));
                w.push_back((float)(excludeOutside && sum != 0 ? c[j] / sum : c[j]));
              }
            }
          }
        }
        Value out = result(r.getOutput(), loc);
        call(loc, "resize_f32", {get(r.getInput())}, {out},
             {table(x), table(y), table(nt), table(at), table(idx), b.getDenseF32ArrayAttr(w)});
        return success();
      })
      .Default([&](Operation *o) { return o->emitError("no kernel for this op"); });
}

LogicalResult Lowering::run() {
  MLIRContext *ctx = module.getContext();
  auto ret = llvm::cast<func::ReturnOp>(oldFn.getBody().front().getTerminator());
  SmallVector<Type> argTypes;
  for (Value a : oldFn.getArguments())
    argTypes.push_back(memrefFor(a));
  numInputs = argTypes.size();
  for (Value r : ret.getOperands())
    argTypes.push_back(memrefFor(r));
  // A returned value gets its output argument as its buffer when a kernel
  // produces it (not an input, constant or view) and it is returned once.
  for (auto [i, r] : llvm::enumerate(ret.getOperands())) {
    Operation *def = r.getDefiningOp();
    if (def && !llvm::isa<arith::ConstantOp, nn::ReshapeOp, quant::StorageCastOp>(def) && !outputSlot.count(r))
      outputSlot[r] = i;
  }
  // Concat along the outermost non-unit axis: each input is one contiguous
  // slice of the output, so its producer can write there (no copy, and the
  // input needs no buffer of its own) when the Concat is its only reader.
  oldFn.walk([&](nn::ConcatOp c) {
    auto y = shapeOf(c.getOutput());
    int64_t axis = c.getAxis();
    if (product(y, 0, axis) != 1)
      return;
    int64_t inner = product(y, axis + 1) * kernel::elementBytes(storageOf(elemOf(c.getOutput()))), at = 0;
    for (Value in : c.getInputs()) {
      Operation *def = in.getDefiningOp();
      if (def && def->getNumResults() == 1 && in.hasOneUse() && !outputSlot.count(in) &&
          elemOf(in) == elemOf(c.getOutput()) &&
          !llvm::isa<arith::ConstantOp, nn::ReshapeOp, quant::StorageCastOp, kernel::ViewOp>(def))
        concatSlot[in] = {c.getOutput(), at * inner};
      at += shapeOf(in)[axis];
    }
  });
  chooseInterleaved();
  b.setInsertionPoint(oldFn);
  fn = b.create<func::FuncOp>(oldFn.getLoc(), "main_kernel", FunctionType::get(ctx, argTypes, {}));
  Block *body = fn.addEntryBlock();
  for (unsigned i = 0; i < numInputs; ++i) {
    buffers[oldFn.getArgument(i)] = body->getArgument(i);
    if (auto n = oldFn.getArgAttr(i, "emlc.name"))
      fn.setArgAttr(i, "emlc.name", n);
  }
  for (unsigned i = 0; i < ret.getNumOperands(); ++i)
    if (auto n = oldFn.getResultAttr(i, "emlc.name"))
      fn.setArgAttr(numInputs + i, "emlc.name", n);
  // Integer inputs/outputs of quantized graphs: the grid their values are on
  // (from the quant.scast at the boundary), for the C header.
  auto markGrid = [&](unsigned arg, Value v, Operation *cast) {
    if (!cast || !llvm::isa<quant::StorageCastOp>(cast))
      return;
    Value q = cast->getOperand(0) == v ? cast->getResult(0) : cast->getOperand(0);
    if (auto u = llvm::dyn_cast<quant::UniformQuantizedType>(llvm::cast<ShapedType>(q.getType()).getElementType())) {
      fn.setArgAttr(arg, "emlc.scale", b.getF32FloatAttr((float)u.getScale()));
      fn.setArgAttr(arg, "emlc.zero_point", b.getI64IntegerAttr(u.getZeroPoint()));
    }
  };
  for (unsigned i = 0; i < numInputs; ++i) {
    Value a = oldFn.getArgument(i);
    if (a.hasOneUse())
      markGrid(i, a, *a.getUsers().begin());
  }
  for (auto [i, r] : llvm::enumerate(ret.getOperands()))
    markGrid(numInputs + i, r, r.getDefiningOp());
  fn->setAttr("emlc.num_inputs", b.getI64IntegerAttr(numInputs));
  b.setInsertionPointToEnd(body);
  // Stop at the first op without a kernel: later ops would read its missing buffer.
  for (Operation &op : llvm::make_early_inc_range(oldFn.getBody().front())) {
    if (llvm::isa<arith::ConstantOp, func::ReturnOp>(op))
      continue;
    Operation *last = body->empty() ? nullptr : &body->back();
    if (failed(lower(&op)))
      return failure();
    // For the compile report: which nn op each call implements, its MACs,
    // its quantization and (after PTQ) its SQNR.
    int64_t macs = nn::countMACs(&op);
    DictionaryAttr quantInfo = quantizationOf(&op);
    for (Operation *k = last ? last->getNextNode() : (body->empty() ? nullptr : &body->front()); k;
         k = k->getNextNode())
      if (llvm::isa<kernel::CallOp>(k)) {
        k->setAttr("emlc.layer", b.getStringAttr(op.getName().getStringRef()));
        if (macs)
          k->setAttr("emlc.macs", b.getI64IntegerAttr(macs));
        if (quantInfo)
          k->setAttr("emlc.quant", quantInfo);
        if (auto sq = op.getAttr("emlc.sqnr"))
          k->setAttr("emlc.sqnr", sq);
        macs = 0; // counted once per layer
      }
  }
  for (auto [i, r] : llvm::enumerate(ret.getOperands())) {
    if (auto it = outputSlot.find(r); it != outputSlot.end() && it->second == i)
      continue;
    int64_t bytes = llvm::cast<ShapedType>(r.getType()).getNumElements() *
                    kernel::elementBytes(storageOf(llvm::cast<ShapedType>(r.getType()).getElementType()));
    call(ret.getLoc(), "copy", {get(r)}, {body->getArgument(numInputs + i)}, {i32(bytes)});
  }
  b.create<func::ReturnOp>(ret.getLoc());
  // Weights a kernel variant repacked leave their original global and views
  // unused (quant.scast views are made in program order, before the kernel
  // that decides): drop them so only what the code reads ends up in flash.
  for (bool changed = true; changed;) {
    changed = false;
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(fn.getBody().front())))
      if (llvm::isa<kernel::ViewOp, memref::GetGlobalOp>(op) && op.use_empty())
        op.erase(), changed = true;
  }
  for (auto g : llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
    if (SymbolTable::symbolKnownUseEmpty(g, module))
      g.erase();
  oldFn.erase();
  fn.setName("main");
  return success();
}

struct ConvertNNToKernelPass : emlc::impl::ConvertNNToKernelBase<ConvertNNToKernelPass> {
  using ConvertNNToKernelBase::ConvertNNToKernelBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fn = module.lookupSymbol<func::FuncOp>("main");
    if (!fn) {
      module.emitError("no @main function");
      return signalPassFailure();
    }
    const TargetInfo *t = lookupTarget(target);
    if (!t) {
      module.emitError("unknown target '") << target << "'";
      return signalPassFailure();
    }
    if (optimize != "speed" && optimize != "size") {
      module.emitError("optimize must be speed or size, not '") << optimize << "'";
      return signalPassFailure();
    }
    Lowering l(module, fn, t, optimize == "size");
    if (failed(l.run()))
      return signalPassFailure();
    module->setAttr("emlc.target", StringAttr::get(&getContext(), target));
  }
};
} // namespace
