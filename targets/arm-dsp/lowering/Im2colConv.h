//===- Im2colConv.h - int8 convolution over a two-pixel im2col column -*- C++ -*-===//
//
// The Arm DSP (conv_s8_dsp, conv_s8_dsp_w16) and Helium (conv_s8_mve)
// convolutions share their driver: an im2col column of two pixels, the
// window taps padded to the kernel's K multiple (the padding taps read the
// window's origin; their weights are zero), and the DSP requantization.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_TARGETS_ARM_DSP_IM2COLCONV_H
#define EMLC_TARGETS_ARM_DSP_IM2COLCONV_H

#include "emlc/Conversion/NNToKernel/LayerFacts.h"

namespace emlc {

/// `packed`: the kernel's weight layout; `Kp`: K padded to the kernel's
/// multiple; `colWords`: the column's int32 words.
inline mlir::LogicalResult lowerIm2colConvS8(Layer &l, llvm::StringRef kernel, llvm::ArrayRef<int32_t> packed,
                                             int64_t Kp, int64_t colWords) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  const DSPRequant &dsp = *f.dsp();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  mlir::Value out = k.result(f.op.getOutput(), l.loc);
  mlir::Value weights = k.global(l.loc, packed);
  mlir::Value col = k.scratch(l.loc, colWords, k.builder().getIntegerType(32));
  llvm::SmallVector<int64_t> taps = windowTaps(s.w[1], s.w[2], s.w[3], s.x[2], s.x[3], s.dl);
  taps.resize(Kp, 0);
  llvm::SmallVector<mlir::Attribute> args = s.windowArgs(k);
  args.append({k.i32(-f.inOff), k.table(taps), k.i32(f.outOff), k.table(dsp.bias)});
  k.call(l.loc, kernel, {k.get(f.op.getInput()), weights}, {col, out}, f.withRequant(k, args, dsp.mult, dsp.shift));
  return mlir::success();
}

/// Constant weights and a layer the DSP requantization is exact for.
inline bool fitsDSP(const QuantConvFacts &f) { return f.constant() && f.dsp().has_value(); }

} // namespace emlc

#endif
