//===- Variants.cpp - Arm DSP-extension int8 kernels (Cortex-M4/M7/M33/M55) ===//
//
// kernels/int8_dsp.c: SMLAD over int16 pairs. Every kernel here requantizes
// with emlc_requantize_dsp, exact only for layers fitForDSPRequantization
// accepts (LayerFacts.h); others get the portable kernels.
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "targets/arm-dsp/lowering/Im2colConv.h"
#include "targets/scalar/lowering/PaddedInput.h"

using namespace mlir;
using namespace emlc;

namespace {

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

/// The im2col convolutions: int16 pairs in the column, K padded to 4.
LogicalResult lowerConvDSP(Layer &l, StringRef kernel, bool w16) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  int64_t K = f.s.w[1] * f.s.w[2] * f.s.w[3], Kp = (K + 3) / 4 * 4;
  return lowerIm2colConvS8(
      l, kernel, w16 ? packConvWeightsDSP16(f.wv, f.s.w[0], K) : packConvWeightsDSP(f.wv, f.s.w[0], K), Kp, Kp);
}

/// Three padded input rows that rotate as the window moves down (dw_rows_s8_impl), 4-byte aligned.
LogicalResult lowerDepthwiseDSP(Layer &l) {
  const ConvShape &s = l.facts<QuantConvFacts>().s;
  return lowerPaddedPlaneDepthwiseS8(l, "dwconv3x3_s8_dsp", 3 * ((s.y[3] * s.st[1] + 6 + 3) / 4 * 4),
                                     /*dspRequantization=*/true);
}

/// int8 weights as they are, or int16 quads with the input row widened into scratch.
LogicalResult lowerFullyConnectedDSP(Layer &l, StringRef kernel, bool w16) {
  const QuantFCFacts &f = l.facts<QuantFCFacts>();
  const DSPRequant &dsp = *f.dsp();
  KernelLowering &k = l.k;
  int64_t N = f.w[0], K = f.w[1];
  Value out = k.result(f.op.getOutput(), l.loc);
  SmallVector<Value> outs{out};
  Value weights;
  if (w16) {
    weights = k.global(l.loc, packFCWeightsDSP16(f.wv, N, K));
    outs.insert(outs.begin(), k.scratch(l.loc, (K + 3) / 4 * 2, k.builder().getIntegerType(32)));
  } else {
    weights = k.get(f.op.getWeight());
  }
  SmallVector<Attribute> args = k.i32s({f.x[0], K, N});
  args.append({k.table(dsp.bias), k.i32(f.outOff), k.table(dsp.mult), k.table(dsp.shift), k.i32(f.lo), k.i32(f.hi)});
  k.call(l.loc, kernel, {k.get(f.op.getInput()), weights}, outs, args);
  return success();
}

bool fcFitsDSP(Layer &l) {
  const QuantFCFacts &f = l.facts<QuantFCFacts>();
  return f.valid && f.constant() && f.dsp().has_value();
}

bool convFitsDSP(Layer &l) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  return f.valid && fitsDSP(f);
}

} // namespace

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  r.addVariant("conv_s8_dsp_w16", "conv_s8", convFitsDSP,
               [](Layer &l) { return lowerConvDSP(l, "conv_s8_dsp_w16", /*w16=*/true); });
  r.addVariant("conv_s8_dsp", "conv_s8", convFitsDSP,
               [](Layer &l) { return lowerConvDSP(l, "conv_s8_dsp", /*w16=*/false); });
  r.addVariant("dwconv3x3_s8_dsp", "dwconv3x3_s8", convFitsDSP, lowerDepthwiseDSP);
  r.addVariant("fully_connected_s8_dsp_w16", "fully_connected_s8", fcFitsDSP,
               [](Layer &l) { return lowerFullyConnectedDSP(l, "fully_connected_s8_dsp_w16", /*w16=*/true); });
  r.addVariant("fully_connected_s8_dsp", "fully_connected_s8", fcFitsDSP,
               [](Layer &l) { return lowerFullyConnectedDSP(l, "fully_connected_s8_dsp", /*w16=*/false); });
}
