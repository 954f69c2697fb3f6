//===- LowBitRequant.h - the requantization of the Arm low-bit kernels -*- C++ -*-===//
//
// The Arm DSP and Helium kernels with int4 or 2-bit weights run every layer
// with constant weights: the DSP requantization (5 instructions) where
// fitForDSPRequantization accepts the layer, else TFLite's, exact for every
// accumulator (emlc_requantize_fast), chosen by their `exact` argument. Low
// bit weights have larger scales than int8 ones, so more layers have a
// multiplier of at least 1/2 (shift >= 0), outside the DSP form.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_TARGETS_ARM_DSP_LOWBITREQUANT_H
#define EMLC_TARGETS_ARM_DSP_LOWBITREQUANT_H

#include "emlc/Conversion/NNToKernel/LayerFacts.h"
#include "targets/arm-dsp/lowering/Im2colConv.h"

namespace emlc {

/// The bias (input offset folded in) and the tables a low-bit kernel takes.
struct LowBitRequant {
  llvm::ArrayRef<int64_t> bias, mult, shift;
  bool exact; ///< TFLite's requantization (the DSP form does not fit)
};

inline LowBitRequant lowBitRequant(const QuantWeightsFacts &f) {
  if (const auto &dsp = f.dsp())
    return {dsp->bias, dsp->mult, dsp->shift, false};
  return {f.biasEff, f.mult, f.shift, true};
}

/// mult shift exact lo hi, the low-bit kernels' last arguments.
inline void appendLowBitRequant(KernelLowering &k, llvm::SmallVectorImpl<mlir::Attribute> &args,
                                const QuantWeightsFacts &f, const LowBitRequant &q) {
  args.append({k.table(q.mult), k.table(q.shift), k.i32(q.exact), k.i32(f.lo), k.i32(f.hi)});
}

/// The im2col convolutions (lowerIm2colConvS8's arguments, the requantization
/// chosen as above): `packed` weights, K padded to `Kp`, `colWords` of column,
/// the `tapTable` (lowerIm2colConvS8's).
/// `q`: the requantization (lowBitRequant's, or one the caller adjusted).
inline mlir::LogicalResult lowerLowBitIm2colConv(Layer &l, llvm::StringRef kernel, llvm::ArrayRef<int32_t> packed,
                                                 int64_t Kp, int64_t colWords, const LowBitRequant &q,
                                                 llvm::ArrayRef<int64_t> tapTable = {}) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  mlir::Value out = k.result(f.op.getOutput(), l.loc);
  mlir::Value weights = k.global(l.loc, packed);
  mlir::Value col = k.scratch(l.loc, colWords, k.builder().getIntegerType(32));
  llvm::SmallVector<mlir::Attribute> args = s.windowArgs(k);
  args.append({k.i32(-f.inOff), tapTableArg(k, s, Kp, tapTable), k.i32(f.outOff), k.table(q.bias)});
  appendLowBitRequant(k, args, f, q);
  k.call(l.loc, kernel, {k.get(f.op.getInput()), weights}, {col, out}, args);
  return mlir::success();
}

inline mlir::LogicalResult lowerLowBitIm2colConv(Layer &l, llvm::StringRef kernel, llvm::ArrayRef<int32_t> packed,
                                                 int64_t Kp, int64_t colWords) {
  return lowerLowBitIm2colConv(l, kernel, packed, Kp, colWords, lowBitRequant(l.facts<QuantConvFacts>()));
}

/// A fully connected kernel: (x, packed weights) -> (`scratchWords` of
/// input row, y); M K N bias out_off and the requantization.
inline mlir::LogicalResult lowerLowBitFullyConnected(Layer &l, llvm::StringRef kernel, llvm::ArrayRef<int32_t> packed,
                                                     int64_t scratchWords) {
  const QuantFCFacts &f = l.facts<QuantFCFacts>();
  LowBitRequant q = lowBitRequant(f);
  KernelLowering &k = l.k;
  mlir::Value out = k.result(f.op.getOutput(), l.loc);
  mlir::Value weights = k.global(l.loc, packed);
  mlir::Value xs = k.scratch(l.loc, scratchWords, k.builder().getIntegerType(32));
  llvm::SmallVector<mlir::Attribute> args = k.i32s({f.x[0], f.w[1], f.w[0]});
  args.append({k.table(q.bias), k.i32(f.outOff)});
  appendLowBitRequant(k, args, f, q);
  k.call(l.loc, kernel, {k.get(f.op.getInput()), weights}, {xs, out}, args);
  return mlir::success();
}

} // namespace emlc

#endif
