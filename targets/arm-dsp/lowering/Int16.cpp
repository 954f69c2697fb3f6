//===- Int16.cpp - Arm DSP-extension int16-activation kernels (TFLite 16x8) ===//
//
// kernels/int16_dsp.c: SMLAD over int16 activations and int16-extended
// weights, summed in chunks into int64 and requantized as TFLite's 16x8
// kernels do, so they compute exactly what conv2d_s16 / fully_connected_s16
// compute (roles conv_s16, fully_connected_s16). Constant weights only: the
// compiler packs them. The `_w16` variants store the weights as int16 (no
// SXTB16 in the loop), the others as int8 (half the flash).
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "targets/arm-dsp/lowering/Im2colConv.h"

using namespace mlir;
using namespace emlc;

namespace {

/// fully_connected_s16_dsp_w16's layout: output channels in quads (zero
/// channels completing the last), K padded to 4, per 4-tap group and channel
/// the int16 pairs (w0,w1) and (w2,w3), as the input row's words hold them.
SmallVector<int32_t> packFCWeightsS16(ArrayRef<int64_t> w, int64_t N, int64_t K) {
  const int64_t Kp = (K + 3) / 4 * 4;
  auto at = [&](int64_t n, int64_t k) -> uint32_t { return n < N && k < K ? (uint16_t)(int16_t)w[n * K + k] : 0; };
  SmallVector<int32_t> out;
  for (int64_t n = 0; n < N; n += 4)
    for (int64_t g = 0; g < Kp; g += 4)
      for (int64_t c = n; c < n + 4; ++c)
        for (int64_t i = 0; i < 4; i += 2)
          out.push_back((int32_t)(at(c, g + i) | at(c, g + i + 1) << 16));
  return out;
}

Value int64Bias(Layer &l, Value bias, int64_t channels) {
  return bias ? bias : l.k.zeros(l.loc, channels, l.k.builder().getIntegerType(64));
}

/// The im2col convolutions: a column of two pixels (Kp words), taps padded to 4.
LogicalResult lowerConvS16DSP(Layer &l, StringRef kernel, bool w16) {
  const Int16ConvFacts &f = l.facts<Int16ConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  int64_t K = s.w[1] * s.w[2] * s.w[3], Kp = (K + 3) / 4 * 4;
  Value weights = k.global(l.loc, w16 ? packConvWeightsDSP16(f.wv, s.w[0], K) : packConvWeightsDSP(f.wv, s.w[0], K));
  Value bias = k.get(int64Bias(l, f.op.getBias(), s.w[0]));
  Value col = k.scratch(l.loc, Kp, k.builder().getIntegerType(32));
  Value out = k.result(f.op.getOutput(), l.loc);
  SmallVector<int64_t> taps = windowTaps(s.w[1], s.w[2], s.w[3], s.x[2], s.x[3], s.dl);
  taps.resize(Kp, 0);
  SmallVector<Attribute> args = s.windowArgs(k);
  args.append({k.table(taps), k.table(f.mult), k.table(f.shift), k.i32(f.lo), k.i32(f.hi)});
  k.call(l.loc, kernel, {k.get(f.op.getInput()), weights, bias}, {col, out}, args);
  return success();
}

/// The input row copied into Kp/2 scratch words; weights int16 quads or as stored.
LogicalResult lowerFullyConnectedS16DSP(Layer &l, StringRef kernel, bool w16) {
  const Int16FCFacts &f = l.facts<Int16FCFacts>();
  KernelLowering &k = l.k;
  int64_t N = f.w[0], K = f.w[1];
  Value weights = w16 ? k.global(l.loc, packFCWeightsS16(f.wv, N, K)) : k.get(f.op.getWeight());
  Value bias = k.get(int64Bias(l, f.op.getBias(), N));
  Value xs = k.scratch(l.loc, (K + 3) / 4 * 2, k.builder().getIntegerType(32));
  Value out = k.result(f.op.getOutput(), l.loc);
  SmallVector<Attribute> args = k.i32s({f.x[0], K, N});
  args.append({k.table(f.mult), k.table(f.shift), k.i32(f.lo), k.i32(f.hi)});
  k.call(l.loc, kernel, {k.get(f.op.getInput()), weights, bias}, {xs, out}, args);
  return success();
}

bool convFits(Layer &l) {
  const Int16ConvFacts &f = l.facts<Int16ConvFacts>();
  return f.valid() && f.weights;
}

bool fcFits(Layer &l) {
  const Int16FCFacts &f = l.facts<Int16FCFacts>();
  return f.valid() && f.weights;
}

} // namespace

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  r.addVariant("conv_s16_dsp_w16", "conv_s16", convFits,
               [](Layer &l) { return lowerConvS16DSP(l, "conv_s16_dsp_w16", /*w16=*/true); });
  r.addVariant("conv_s16_dsp", "conv_s16", convFits,
               [](Layer &l) { return lowerConvS16DSP(l, "conv_s16_dsp", /*w16=*/false); });
  r.addVariant("fully_connected_s16_dsp_w16", "fully_connected_s16", fcFits,
               [](Layer &l) { return lowerFullyConnectedS16DSP(l, "fully_connected_s16_dsp_w16", /*w16=*/true); });
  r.addVariant("fully_connected_s16_dsp", "fully_connected_s16", fcFits,
               [](Layer &l) { return lowerFullyConnectedS16DSP(l, "fully_connected_s16_dsp", /*w16=*/false); });
}
