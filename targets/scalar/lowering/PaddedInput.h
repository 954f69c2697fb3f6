//===- PaddedInput.h - kernels that read a padded copy of their input -*- C++ -*-===//
//
// Kernels of several folders that share their arguments:
// - the SSE4.1, AVX2 and Helium float convolutions and the SSE4.1/Helium
//   depthwise read their input through taps into a zero-padded,
//   column-phase-split copy (pad_phase_f32_c here, pad_phase_f32 in
//   x86-avx2), or x itself for an unpadded 1x1: every tap of a strided
//   convolution is one contiguous load;
// - the scalar, SSE4.1 and AVX2 int8 depthwise 3x3 copy one channel at a
//   time into a padded plane (the zero point as padding).
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_TARGETS_SCALAR_PADDEDINPUT_H
#define EMLC_TARGETS_SCALAR_PADDEDINPUT_H

#include "emlc/Conversion/NNToKernel/LayerFacts.h"

namespace emlc {

/// A convolution of one group with constant weights in 4-channel blocks;
/// `tile`: output pixels per slot (the scratch a 1x1's compact copy needs).
inline mlir::LogicalResult lowerPhaseSplitConvF32(Layer &l, llvm::StringRef kernel, int64_t tile) {
  const FloatConvFacts &f = l.facts<FloatConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  nn::Conv2DOp c = f.op;
  auto [bias, out] = f.biasAndOutput(l);
  int64_t K = s.w[1] * s.w[2] * s.w[3];
  bool direct = s.direct1x1();
  // 1x1 without padding: x itself (stride 1) or its sampled pixels (mode 2), no padded copy.
  bool strided1x1 = s.unpadded1x1() && !direct;
  PhaseSplit g = phaseSplit(s.w[1], s.w[2], s.w[3], s.y[2], s.y[3], s.st, s.dl);
  // The padded copy + pad_phase_f32's room, or (direct) the compact copy and the last tile's.
  mlir::Value xp = k.scratch(l.loc,
                             direct       ? K * tile
                             : strided1x1 ? s.w[1] * s.y[2] * s.y[3] + K * tile
                                          : s.w[1] * g.Hp * s.st[1] * g.Wq + 8,
                             f.elem);
  llvm::SmallVector<mlir::Attribute> args = k.i32s({s.x[0], s.x[1], s.x[2], s.x[3], s.w[0], K, s.y[2], s.y[3], s.st[0],
                                                    s.st[1], s.pads[0], s.pads[1], g.Hp, g.Wq,
                                                    direct       ? 1
                                                    : strided1x1 ? 2
                                                                 : 0});
  args.append({k.table(g.taps), f.lo, f.hi});
  k.call(l.loc, kernel, {k.get(c.getInput()), k.global(l.loc, packRowBlocksF32(f.weights, s.w[0], K, 4)), k.get(bias)},
         {xp, out}, args);
  return mlir::success();
}

/// A depthwise convolution (any kernel, stride, dilation) over one channel's
/// padded phase-split plane, plus the 8 floats a row's last step reads.
inline mlir::LogicalResult lowerPhaseSplitDepthwiseF32(Layer &l, llvm::StringRef kernel) {
  const FloatConvFacts &f = l.facts<FloatConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  nn::Conv2DOp c = f.op;
  auto [bias, out] = f.biasAndOutput(l);
  PhaseSplit g = phaseSplit(1, s.w[2], s.w[3], s.y[2], s.y[3], s.st, s.dl);
  llvm::SmallVector<mlir::Attribute> args = k.i32s({s.x[0], s.x[1], s.x[2], s.x[3], s.w[2], s.w[3], s.y[2], s.y[3],
                                                    s.st[0], s.st[1], s.dl[0], s.dl[1], s.pads[0], s.pads[1]});
  args.append({f.lo, f.hi});
  k.call(l.loc, kernel, {k.get(c.getInput()), k.get(c.getWeight()), k.get(bias)},
         {k.scratch(l.loc, g.Hp * s.st[1] * g.Wq + 8, f.elem), out}, args);
  return mlir::success();
}

/// An int8 depthwise 3x3 over padded input of `scratchBytes` (a channel's
/// plane, or rows), the input offset folded into the bias; TFLite's
/// requantization as is, or (`dspRequantization`, the Arm DSP/Helium
/// kernels) the tables fitted for emlc_requantize_dsp.
inline mlir::LogicalResult lowerPaddedPlaneDepthwiseS8(Layer &l, llvm::StringRef kernel, int64_t scratchBytes,
                                                       bool dspRequantization = false) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  mlir::Value out = k.result(f.op.getOutput(), l.loc);
  mlir::Value plane = k.scratch(l.loc, scratchBytes, k.builder().getIntegerType(8));
  llvm::SmallVector<mlir::Attribute> args = k.i32s(
      {s.x[0], s.x[1], s.x[2], s.x[3], s.y[2], s.y[3], s.st[0], s.st[1], s.pads[0], s.pads[1], -f.inOff, f.outOff});
  const DSPRequant *dsp = dspRequantization ? &*f.dsp() : nullptr;
  args.push_back(k.table(dsp ? dsp->bias : f.biasEff));
  k.call(l.loc, kernel, {k.get(f.op.getInput()), k.get(f.op.getWeight())}, {plane, out},
         f.withRequant(k, args, dsp ? dsp->mult : f.mult, dsp ? dsp->shift : f.shift));
  return mlir::success();
}

/// An int8 fully connected layer with constant weights, the input offset
/// folded into the bias and TFLite's requantization as is.
inline mlir::LogicalResult lowerFoldedFullyConnectedS8(Layer &l, llvm::StringRef kernel) {
  const QuantFCFacts &f = l.facts<QuantFCFacts>();
  KernelLowering &k = l.k;
  mlir::Value out = k.result(f.op.getOutput(), l.loc);
  llvm::SmallVector<mlir::Attribute> args = k.i32s({f.x[0], f.w[1], f.w[0]});
  args.append({k.table(f.biasEff), k.i32(f.outOff), k.table(f.mult), k.table(f.shift), k.i32(f.lo), k.i32(f.hi)});
  k.call(l.loc, kernel, {k.get(f.op.getInput()), k.get(f.op.getWeight())}, {out}, args);
  return mlir::success();
}

/// Constant weights and bias, valid int8 types: the folded kernels' condition.
inline bool constantQuantConv(Layer &l) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  return f.valid && f.constant();
}
inline bool constantQuantFC(Layer &l) {
  const QuantFCFacts &f = l.facts<QuantFCFacts>();
  return f.valid && f.constant();
}

} // namespace emlc

#endif
