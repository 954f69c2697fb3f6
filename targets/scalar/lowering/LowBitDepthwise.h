//===- LowBitDepthwise.h - depthwise 3x3 with packed weights -*- C++ -*-===//
//
// The depthwise 3x3 kernels with int4 or 2-bit weights (dwconv3x3_s8_w4_dsp,
// dwconv3x3_s8_w4_mve, dwconv3x3_s8_w4_scalar and their 2-bit forms) unpack
// the weights into 9 C bytes of scratch and run an int8 kernel: they take the
// int8 kernels' arguments, with the weights packed `bits` bits each, one
// channel after the other with no alignment (exactly `bits` a weight).
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_TARGETS_SCALAR_LOWBITDEPTHWISE_H
#define EMLC_TARGETS_SCALAR_LOWBITDEPTHWISE_H

#include "emlc/Conversion/NNToKernel/LayerFacts.h"

namespace emlc {

/// `w` (C x 9 integers) packed `bits` bits each, lowest bits first, two's
/// complement, no alignment between channels (dw_lowbit_taps_impl).
inline std::vector<uint8_t> packDepthwiseLowBit(llvm::ArrayRef<int64_t> w, int bits) {
  std::vector<uint8_t> out((w.size() * bits + 7) / 8, 0);
  for (size_t i = 0; i < w.size(); ++i)
    out[i * bits / 8] |= (uint8_t)(((uint64_t)w[i] & ((1u << bits) - 1)) << (i * bits % 8));
  return out;
}

/// lowerPaddedPlaneDepthwiseS8 with the packed weights: the unpacked weights
/// and `scratchBytes` of padded rows or plane as scratch, the input offset folded into the bias, TFLite's
/// requantization or (`dspRequantization`) the DSP tables.
inline mlir::LogicalResult lowerLowBitDepthwise(Layer &l, llvm::StringRef kernel, int64_t scratchBytes,
                                                bool dspRequantization) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  mlir::Value out = k.result(f.op.getOutput(), l.loc);
  mlir::Value weights = k.global(l.loc, packDepthwiseLowBit(f.wv, f.weightBits));
  mlir::Value unpacked = k.scratch(l.loc, (int64_t)f.wv.size(), k.builder().getIntegerType(8));
  mlir::Value plane = k.scratch(l.loc, scratchBytes, k.builder().getIntegerType(8));
  llvm::SmallVector<mlir::Attribute> args = k.i32s(
      {s.x[0], s.x[1], s.x[2], s.x[3], s.y[2], s.y[3], s.st[0], s.st[1], s.pads[0], s.pads[1], -f.inOff, f.outOff});
  const DSPRequant *dsp = dspRequantization ? &*f.dsp() : nullptr;
  args.push_back(k.table(dsp ? dsp->bias : f.biasEff));
  k.call(l.loc, kernel, {k.get(f.op.getInput()), weights}, {unpacked, plane, out},
         f.withRequant(k, args, dsp ? dsp->mult : f.mult, dsp ? dsp->shift : f.shift));
  return mlir::success();
}

} // namespace emlc

#endif
