//===- LowBit.cpp - Helium kernels for int4 weights (Cortex-M55, M85) -------===//
//
// kernels/lowbit_mve.c: int8 activations, int4 weights of two output
// channels a and b per byte as the integer 16 a + b (a, b in [-7, 7], PTQ's
// int4 range): one VMLADAVA of the bytes and one of the bytes shifted left
// by 4 give both channels' sums, so a step costs what the int8 kernels' does.
// The DSP requantization where the layer fits it, else TFLite's
// (LowBitRequant.h).
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "targets/arm-dsp/lowering/Im2colConv.h"
#include "targets/arm-dsp/lowering/LowBitRequant.h"
#include "targets/arm-mve/lowering/WindowTables.h"
#include "targets/scalar/lowering/LowBitDepthwise.h"

using namespace mlir;
using namespace emlc;

namespace {

/// Channel pairs (a zero channel completing an odd count), [M/2][Kp] bytes
/// 16 w[m][k] + w[m+1][k], K padded to 16, as little-endian words.
SmallVector<int32_t> packW4MVE(ArrayRef<int64_t> w, int64_t M, int64_t K) {
  const int64_t Kp = (K + 15) / 16 * 16;
  auto at = [&](int64_t m, int64_t k) { return m < M && k < K ? w[m * K + k] : 0; };
  SmallVector<int32_t> out;
  for (int64_t m = 0; m < M; m += 2)
    for (int64_t g = 0; g < Kp; g += 4) {
      uint32_t word = 0;
      for (int64_t i = 0; i < 4; ++i)
        word |= (uint32_t)(uint8_t)(int8_t)(16 * at(m, g + i) + at(m + 1, g + i)) << (8 * i);
      out.push_back((int32_t)word);
    }
  return out;
}

/// Weights in [-7, 7] (a byte holds 16 a + b) and sums of 16 b below 2^31.
bool w4Fits(const QuantWeightsFacts &f, int64_t K) {
  return f.valid && f.constant() && K <= 65536 && llvm::all_of(f.wv, [](int64_t v) { return v >= -7 && v <= 7; });
}

/// conv_s8_mve's int8 im2col of four pixels (4 Kp bytes); the packed pairs
/// followed by conv_s8_mve's window tables (WindowTables.h).
LogicalResult lowerConvW4MVE(Layer &l) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  const int64_t K = f.s.w[1] * f.s.w[2] * f.s.w[3], Kp = (K + 15) / 16 * 16;
  SmallVector<int32_t> packed = packW4MVE(f.wv, f.s.w[0], K);
  appendWindowTablesMVE(f, packed);
  return lowerLowBitIm2colConv(l, "conv_s8_w4_mve", packed, Kp, Kp, lowBitRequant(f), tapTableMVE(f.s, Kp));
}

/// The input row copied into scratch (Kp bytes).
LogicalResult lowerFullyConnectedW4MVE(Layer &l) {
  const QuantFCFacts &f = l.facts<QuantFCFacts>();
  return lowerLowBitFullyConnected(l, "fully_connected_s8_w4_mve", packW4MVE(f.wv, f.w[0], f.w[1]),
                                   (f.w[1] + 15) / 16 * 4);
}

} // namespace

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  r.addVariant(
      "conv_s8_w4_mve", "conv_s8_w4",
      [](Layer &l) {
        const QuantConvFacts &f = l.facts<QuantConvFacts>();
        return f.valid && f.s.groups == 1 && w4Fits(f, f.s.w[1] * f.s.w[2] * f.s.w[3]) &&
               (f.s.w[2] - 1) * f.s.dl[0] < 256 && (f.s.w[3] - 1) * f.s.dl[1] < 256; // the window's byte tables
      },
      lowerConvW4MVE);
  r.addVariant(
      "fully_connected_s8_w4_mve", "fully_connected_s8_w4",
      [](Layer &l) {
        const QuantFCFacts &f = l.facts<QuantFCFacts>();
        return f.valid && w4Fits(f, f.w[1]);
      },
      lowerFullyConnectedW4MVE);
  // Depthwise 3x3: the weights unpacked into scratch, then the int8 kernel (its padded plane, TFLite's
  // requantization; rows short enough for byte gathers, else the DSP kernel).
  r.addVariant(
      "dwconv3x3_s8_w4_mve", "dwconv3x3_s8_w4",
      [](Layer &l) {
        const QuantConvFacts &f = l.facts<QuantConvFacts>();
        return f.valid && f.constant() && 2 * ((f.s.y[3] - 1) * f.s.st[1] + 3) + 2 < 256;
      },
      [](Layer &l) {
        const ConvShape &s = l.facts<QuantConvFacts>().s;
        return lowerLowBitDepthwise(l, "dwconv3x3_s8_w4_mve",
                                    ((s.y[2] - 1) * s.st[0] + 3) * ((s.y[3] - 1) * s.st[1] + 3),
                                    /*dspRequantization=*/false);
      });
}
