//===- TapPairConv.h - x86 int8 convolution over int16 tap pairs -*- C++ -*-===//
//
// conv_s8_sse41 and conv_s8_avx2: (V)PMADDWD over an im2col of int16 tap
// pairs (8 or 16 pixels a column), read from the padded phase-split copy of
// the float kernels (int8, the zero point as padding) unless the layer is a
// 1x1 with stride 1 and no padding (x itself).
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_TARGETS_X86_SSE41_TAPPAIRCONV_H
#define EMLC_TARGETS_X86_SSE41_TAPPAIRCONV_H

#include "emlc/Conversion/NNToKernel/LayerFacts.h"

namespace emlc {

/// `columnPixels`: the pixels of one im2col column (8 or 16).
inline mlir::LogicalResult lowerTapPairConvS8(Layer &l, llvm::StringRef kernel, int64_t columnPixels) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  mlir::Value out = k.result(f.op.getOutput(), l.loc);
  int64_t K = s.w[1] * s.w[2] * s.w[3], K2 = (K + 1) / 2;
  bool direct = s.direct1x1();
  PhaseSplit g = phaseSplit(s.w[1], s.w[2], s.w[3], s.y[2], s.y[3], s.st, s.dl);
  if (direct)
    g.taps = windowTaps(s.w[1], 1, 1, s.x[2], s.x[3], {1, 1});
  g.taps.resize(2 * K2, 0);
  mlir::Value xp = k.scratch(l.loc, direct ? 1 : s.w[1] * g.Hp * s.st[1] * g.Wq + 8, k.builder().getIntegerType(8));
  mlir::Value col = k.scratch(l.loc, K2 * 2 * columnPixels, k.builder().getIntegerType(16));
  llvm::SmallVector<mlir::Attribute> args = k.i32s({s.x[0], s.x[1], s.x[2], s.x[3], s.w[0], K, s.y[2], s.y[3], s.st[0],
                                                    s.st[1], s.pads[0], s.pads[1], g.Hp, g.Wq, direct});
  args.append({k.table(g.taps), k.i32(-f.inOff), k.i32(f.outOff), k.table(f.biasEff)});
  k.call(l.loc, kernel, {k.get(f.op.getInput()), k.global(l.loc, packTapPairsS16(f.wv, s.w[0], K))}, {xp, col, out},
         f.withRequant(k, args, f.mult, f.shift));
  return mlir::success();
}

/// The x86 depthwise 3x3 for strides up to 2: one channel's padded plane,
/// phase-split, with the 8 bytes a row's last vector may read past it.
inline bool x86DepthwiseFits(Layer &l) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  return f.valid && f.constant() && f.s.st[0] <= 2 && f.s.st[1] <= 2;
}
inline int64_t x86DepthwisePlaneBytes(const ConvShape &s) {
  int64_t sh = s.st[0], sw = s.st[1];
  return ((s.y[2] - 1) * sh + 3) * sw * (s.y[3] + 2 / sw) + 8;
}

} // namespace emlc

#endif
