//===- Im2colConv.h - int8 convolution over a two-pixel im2col column -*- C++ -*-===//
//
// The Arm DSP (conv_s8_dsp, conv_s8_dsp_w16) and Helium (conv_s8_mve)
// convolutions share their driver: an im2col column of two pixels, the
// window taps padded to the kernel's K multiple (the padding taps read the
// window's origin; their weights are zero), and the DSP requantization. The
// int16-activation DSP convolutions (Int16.cpp) take the same weight layouts.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_TARGETS_ARM_DSP_IM2COLCONV_H
#define EMLC_TARGETS_ARM_DSP_IM2COLCONV_H

#include "emlc/Conversion/NNToKernel/LayerFacts.h"

namespace emlc {

/// conv_s8_dsp's weight layout: output channels in pairs (a zero channel
/// completing an odd count), K padded to a multiple of 4, per 4-tap group
/// one little-endian word of channel m then one of m+1, bytes ordered w0 w2 w1 w3.
inline llvm::SmallVector<int32_t> packConvWeightsDSP(llvm::ArrayRef<int64_t> w, int64_t M, int64_t K) {
  const int64_t Kp = (K + 3) / 4 * 4;
  static const int order[4] = {0, 2, 1, 3};
  llvm::SmallVector<int32_t> out;
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
inline llvm::SmallVector<int32_t> packConvWeightsDSP16(llvm::ArrayRef<int64_t> w, int64_t M, int64_t K) {
  const int64_t Kp = (K + 3) / 4 * 4;
  auto at = [&](int64_t row, int64_t k) -> uint32_t {
    return row < M && k < K ? (uint16_t)(int16_t)w[row * K + k] : 0;
  };
  llvm::SmallVector<int32_t> out;
  for (int64_t m = 0; m < M; m += 2)
    for (int64_t g = 0; g < Kp; g += 4)
      for (int64_t r = 0; r < 2; ++r)
        for (int64_t i = 0; i < 4; i += 2)
          out.push_back((int32_t)(at(m + r, g + i) | at(m + r, g + i + 1) << 16));
  return out;
}

/// The window's tap offsets as an im2col kernel reads them: `tapTable`, or when
/// it is empty windowTaps' int32 offsets padded with 0 to Kp.
inline mlir::Attribute tapTableArg(KernelLowering &k, const ConvShape &s, int64_t Kp,
                                   llvm::ArrayRef<int64_t> tapTable) {
  if (!tapTable.empty())
    return k.table(tapTable);
  llvm::SmallVector<int64_t> taps = windowTaps(s.w[1], s.w[2], s.w[3], s.x[2], s.x[3], s.dl);
  taps.resize(Kp, 0);
  return k.table(taps);
}

/// `packed`: the kernel's weight layout; `Kp`: K padded to the kernel's
/// multiple; `colWords`: the column's int32 words; `tapTable`: the window's
/// tap offsets as the kernel reads them (empty: windowTaps' int32, padded with
/// 0 to Kp).
inline mlir::LogicalResult lowerIm2colConvS8(Layer &l, llvm::StringRef kernel, llvm::ArrayRef<int32_t> packed,
                                             int64_t Kp, int64_t colWords, llvm::ArrayRef<int64_t> tapTable = {}) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  const DSPRequant &dsp = *f.dsp();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  mlir::Value out = k.result(f.op.getOutput(), l.loc);
  mlir::Value weights = k.global(l.loc, packed);
  mlir::Value col = k.scratch(l.loc, colWords, k.builder().getIntegerType(32));
  llvm::SmallVector<mlir::Attribute> args = s.windowArgs(k);
  args.append({k.i32(-f.inOff), tapTableArg(k, s, Kp, tapTable), k.i32(f.outOff), k.table(dsp.bias)});
  k.call(l.loc, kernel, {k.get(f.op.getInput()), weights}, {col, out}, f.withRequant(k, args, dsp.mult, dsp.shift));
  return mlir::success();
}

/// Constant weights and a layer the DSP requantization is exact for.
inline bool fitsDSP(const QuantConvFacts &f) { return f.constant() && f.dsp().has_value(); }

} // namespace emlc

#endif
