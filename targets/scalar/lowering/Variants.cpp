//===- Variants.cpp - register-blocked scalar kernels -----------------------===//
//
// For cores without SIMD (RISC-V RV32IMC/IMAC/IMAFC, Cortex-M3, M0+):
// kernels/int8_scalar.c, TFLite's requantization as is; and for cores with a
// float unit (Cortex-M4F/M7/M33/M55, RV32IMAFC): kernels/float_fpu.c, fmaf
// tiles.
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "targets/generic/lowering/SharedLowerings.h"
#include "targets/scalar/lowering/PaddedInput.h"

using namespace mlir;
using namespace emlc;

namespace {

/// conv_s8_scalar's weights: int16, output channels in blocks of 4 (zero
/// channels completing M), [ceil(M/4)][K][4].
SmallVector<int16_t> packConvWeightsScalar(ArrayRef<int64_t> w, int64_t M, int64_t K) {
  SmallVector<int16_t> out;
  for (int64_t mb = 0; mb < M; mb += 4)
    for (int64_t k = 0; k < K; ++k)
      for (int64_t r = 0; r < 4; ++r)
        out.push_back(mb + r < M ? (int16_t)w[(mb + r) * K + k] : 0);
  return out;
}

/// A 4x3 register-blocked GEMM over an int16 im2col of 3 pixels.
LogicalResult lowerConvScalar(Layer &l) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  Value out = k.result(f.op.getOutput(), l.loc);
  int64_t K = s.w[1] * s.w[2] * s.w[3];
  SmallVector<int64_t> taps = windowTaps(s.w[1], s.w[2], s.w[3], s.x[2], s.x[3], s.dl);
  Value col = k.scratch(l.loc, K * 3, k.builder().getIntegerType(16));
  SmallVector<Attribute> args = s.windowArgs(k);
  args.append({k.i32(-f.inOff), k.table(taps), k.i32(f.outOff), k.table(f.biasEff)});
  k.call(l.loc, "conv_s8_scalar", {k.get(f.op.getInput()), k.global(l.loc, packConvWeightsScalar(f.wv, s.w[0], K))},
         {col, out}, f.withRequant(k, args, f.mult, f.shift));
  return success();
}

/// A 4-channel register-blocked tile over a float im2col of 4 pixels (fmaf).
LogicalResult lowerConvFPU(Layer &l) {
  const FloatConvFacts &f = l.facts<FloatConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  nn::Conv2DOp c = f.op;
  auto [bias, out] = f.biasAndOutput(l);
  int64_t K = s.w[1] * s.w[2] * s.w[3];
  SmallVector<int64_t> taps = windowTaps(s.w[1], s.w[2], s.w[3], s.x[2], s.x[3], s.dl);
  SmallVector<Attribute> args = s.windowArgs(k);
  args.append({k.table(taps), f.lo, f.hi});
  k.call(l.loc, "conv2d_f32_fpu",
         {k.get(c.getInput()), k.global(l.loc, packRowBlocksF32(f.weights, s.w[0], K, 4)), k.get(bias)},
         {k.scratch(l.loc, K * 4, f.elem), out}, args);
  return success();
}

/// One channel's zero-padded plane, the 3x3 weights in registers.
LogicalResult lowerDepthwiseFPU(Layer &l) {
  const FloatConvFacts &f = l.facts<FloatConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  nn::Conv2DOp c = f.op;
  auto [bias, out] = f.biasAndOutput(l);
  Value plane = k.scratch(l.loc, ((s.y[2] - 1) * s.st[0] + 3) * ((s.y[3] - 1) * s.st[1] + 3), f.elem);
  SmallVector<Attribute> args =
      k.i32s({s.x[0], s.x[1], s.x[2], s.x[3], s.y[2], s.y[3], s.st[0], s.st[1], s.pads[0], s.pads[1]});
  args.append({f.lo, f.hi});
  k.call(l.loc, "dwconv3x3_f32_fpu", {k.get(c.getInput()), k.get(c.getWeight()), k.get(bias)}, {plane, out}, args);
  return success();
}

} // namespace

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  r.addVariant("conv_s8_scalar", "conv_s8", constantQuantConv, lowerConvScalar);
  r.addVariant("dwconv3x3_s8_scalar", "dwconv3x3_s8", constantQuantConv, [](Layer &l) {
    const ConvShape &s = l.facts<QuantConvFacts>().s;
    return lowerPaddedPlaneDepthwiseS8(l, "dwconv3x3_s8_scalar",
                                       ((s.y[2] - 1) * s.st[0] + 3) * ((s.y[3] - 1) * s.st[1] + 3));
  });
  r.addVariant("fully_connected_s8_scalar", "fully_connected_s8", constantQuantFC,
               [](Layer &l) { return lowerFoldedFullyConnectedS8(l, "fully_connected_s8_scalar"); });
  r.addVariant(
      "conv2d_f32_fpu", "conv_f32", [](Layer &l) { return bool(l.facts<FloatConvFacts>().weights); }, lowerConvFPU);
  r.addVariant(
      "dwconv3x3_f32_fpu", "dwconv_f32",
      [](Layer &l) {
        const ConvShape &s = l.facts<FloatConvFacts>().s;
        return s.w[2] == 3 && s.w[3] == 3 && s.dl[0] == 1 && s.dl[1] == 1;
      },
      lowerDepthwiseFPU);
  r.addVariant(
      "fully_connected_f32_fpu", "fully_connected_f32", [](Layer &) { return true; },
      [](Layer &l) { return lowerFullyConnectedF32(l, "fully_connected_f32_fpu"); });
}
