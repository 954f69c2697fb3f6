//===- Variants.cpp - Helium (MVE) kernels, Cortex-M55 ----------------------===//
//
// kernels/int8_mve.c: VMLADAVA over 16 int8 a step, the DSP requantization
// (the layer must fit it; else TFLite's, lane-wise), Add four lanes a step, the int8 mean 16 a VADDVA;
// kernels/float_mve.c: VFMA tiles over the padded phase-split copy of the scalar folder.
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "targets/arm-dsp/lowering/Im2colConv.h"
#include "targets/arm-dsp/lowering/LowBitRequant.h"
#include "targets/arm-mve/lowering/WindowTables.h"
#include "targets/generic/lowering/SharedLowerings.h"
#include "targets/scalar/lowering/PaddedInput.h"

using namespace mlir;
using namespace emlc;

namespace {

/// The MVE kernels' weight layout: rows of K int8 padded to a multiple of 16
/// with zeros, as little-endian words.
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

/// conv_s8_mve's: packWeightsMVE's rows, then the window's tables (WindowTables.h).
SmallVector<int32_t> packConvWeightsMVE(const QuantConvFacts &f) {
  const int64_t K = f.s.w[1] * f.s.w[2] * f.s.w[3];
  SmallVector<int32_t> out = packWeightsMVE(f.wv, f.s.w[0], K);
  appendWindowTablesMVE(f, out);
  return out;
}

/// An int8 im2col column of four pixels (4 x Kp bytes) by gathers, K padded to 16.
LogicalResult lowerConvMVE(Layer &l) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  int64_t K = f.s.w[1] * f.s.w[2] * f.s.w[3], Kp = (K + 15) / 16 * 16;
  return lowerIm2colConvS8(l, "conv_s8_mve", packConvWeightsMVE(f), Kp, Kp, tapTableMVE(f.s, Kp));
}

/// conv_s8_mve_exact's biases outside the DSP form: the layer's (input
/// offset folded in), but a channel whose accumulator may leave int32 (PTQ
/// saturated its bias: weights of a tiny scale) and whose output is the same
/// for every input moves its bias to +-2^30, which gives that output too.
/// None when such a channel's output varies. (VMLADAVA wraps like the
/// portable kernels' int32 sums: an accumulator that ends within int32 is
/// exact whatever the order.)
std::optional<SmallVector<int64_t>> exactBiasMVE(const QuantConvFacts &f) {
  const int64_t M = f.s.w[0], K = M ? (int64_t)f.wv.size() / M : 0, limit = int64_t(1) << 31;
  SmallVector<int64_t> bias(f.biasEff.begin(), f.biasEff.end());
  for (int64_t m = 0; m < M; ++m) {
    int64_t S = 0;
    for (int64_t k = 0; k < K; ++k)
      S += 128 * std::llabs(f.wv[m * K + k]);
    if (std::llabs(bias[m]) + S < limit)
      continue;
    auto out = [&](int64_t acc) {
      return std::clamp<int64_t>(requantizeRef(acc, f.mult[m], f.shift[m]) + f.outOff, f.lo, f.hi);
    };
    const int64_t b = bias[m] < 0 ? -(limit / 2) : limit / 2, v = out(bias[m] - S);
    if (S >= limit / 2 || out(bias[m] + S) != v || out(b - S) != v || out(b + S) != v)
      return std::nullopt;
    bias[m] = b;
  }
  return bias;
}

/// conv_s8_mve's columns and weights; the DSP tables where they fit, else
/// TFLite's with exactBiasMVE's biases (the kernel's `exact`).
LogicalResult lowerConvExactMVE(Layer &l) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  const int64_t K = f.s.w[1] * f.s.w[2] * f.s.w[3], Kp = (K + 15) / 16 * 16;
  LowBitRequant q = lowBitRequant(f);
  SmallVector<int64_t> bias; // the matcher checked that exactBiasMVE has them
  if (q.exact)
    q.bias = bias = *exactBiasMVE(f);
  return lowerLowBitIm2colConv(l, "conv_s8_mve_exact", packConvWeightsMVE(f), Kp, Kp, q, tapTableMVE(f.s, Kp));
}

/// The kernel gathers a window with byte offsets: rows of its padded plane
/// must stay short (2*Wp + 2 < 256); wider layers take the next variant. It
/// requantizes as TFLite does (any multiplier), from constant weights.
bool depthwiseFitsMVE(Layer &l) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  return f.valid && f.constant() && 2 * ((f.s.y[3] - 1) * f.s.st[1] + 3) + 2 < 256;
}

/// Each channel copied into a padded plane (the zero point as padding).
LogicalResult lowerDepthwiseMVE(Layer &l) {
  const ConvShape &s = l.facts<QuantConvFacts>().s;
  return lowerPaddedPlaneDepthwiseS8(l, "dwconv3x3_s8_mve",
                                     ((s.y[2] - 1) * s.st[0] + 3) * ((s.y[3] - 1) * s.st[1] + 3));
}

/// Rows padded to 16, the input row copied into scratch.
LogicalResult lowerFullyConnectedMVE(Layer &l) {
  const QuantFCFacts &f = l.facts<QuantFCFacts>();
  const DSPRequant &dsp = *f.dsp();
  KernelLowering &k = l.k;
  int64_t N = f.w[0], K = f.w[1];
  Value out = k.result(f.op.getOutput(), l.loc);
  Value weights = k.global(l.loc, packWeightsMVE(f.wv, N, K));
  Value row = k.scratch(l.loc, (K + 15) / 16 * 4, k.builder().getIntegerType(32));
  SmallVector<Attribute> args = k.i32s({f.x[0], K, N});
  args.append({k.table(dsp.bias), k.i32(f.outOff), k.table(dsp.mult), k.table(dsp.shift), k.i32(f.lo), k.i32(f.hi)});
  k.call(l.loc, "fully_connected_s8_mve", {k.get(f.op.getInput()), weights}, {row, out}, args);
  return success();
}

} // namespace

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  r.addVariant(
      "conv_s8_mve", "conv_s8",
      [](Layer &l) { // the window's extent fits its byte tables
        const QuantConvFacts &f = l.facts<QuantConvFacts>();
        return f.valid && fitsDSP(f) && (f.s.w[2] - 1) * f.s.dl[0] < 256 && (f.s.w[3] - 1) * f.s.dl[1] < 256;
      },
      lowerConvMVE);
  // Any layer, also outside the DSP requantization's domain (shift >= 0: emlc's own quantization of
  // pointwise layers has them), which would take the portable conv1x1_s8 or conv2d_s8_folded; the last
  // (--optimize size's) variant of conv_s8: it must take every layer conv_s8_mve takes.
  r.addVariant(
      "conv_s8_mve_exact", "conv_s8",
      [](Layer &l) {
        const QuantConvFacts &f = l.facts<QuantConvFacts>();
        return f.valid && f.constant() && (fitsDSP(f) || exactBiasMVE(f)) && (f.s.w[2] - 1) * f.s.dl[0] < 256 &&
               (f.s.w[3] - 1) * f.s.dl[1] < 256;
      },
      lowerConvExactMVE);
  r.addVariant("dwconv3x3_s8_mve", "dwconv3x3_s8", depthwiseFitsMVE, lowerDepthwiseMVE);
  r.addVariant(
      "fully_connected_s8_mve", "fully_connected_s8",
      [](Layer &l) {
        const QuantFCFacts &f = l.facts<QuantFCFacts>();
        return f.valid && f.constant() && f.dsp().has_value();
      },
      lowerFullyConnectedMVE);
  r.addVariant(
      "add_s8_mve", "add_s8", [](Layer &l) { return l.facts<QuantAddFacts>().valid; },
      [](Layer &l) { return lowerAddS8(l, "add_s8_mve"); });
  r.addVariant(
      "reduce_mean_s8_mve", "reduce_mean_s8", [](Layer &) { return true; },
      [](Layer &l) { return lowerReduceMeanS8(l, "reduce_mean_s8_mve"); });
  // Float: 4x4 VFMA tiles in slots of 4 pixels; the depthwise of any shape.
  r.addVariant(
      "conv2d_f32_mve", "conv_f32", [](Layer &l) { return bool(l.facts<FloatConvFacts>().weights); },
      [](Layer &l) { return lowerPhaseSplitConvF32(l, "conv2d_f32_mve", 8); });
  r.addVariant(
      "dwconv_f32_mve", "dwconv_f32", [](Layer &) { return true; },
      [](Layer &l) { return lowerPhaseSplitDepthwiseF32(l, "dwconv_f32_mve"); });
}
