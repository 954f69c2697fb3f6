//===- LowBit.cpp - Arm DSP kernels for weights below 8 bits (Cortex-M4/M7/M33) ===//
//
// kernels/lowbit_dsp.c: int8 activations, int4 or 2-bit (int2, ternary)
// weights, 4 or 2 bits each in flash in layouts that one AND per int16 pair
// decodes (the weights offset to unsigned, the input sums subtracting the
// offset); the DSP requantization where the layer fits it, else TFLite's
// (LowBitRequant.h). The depthwise kernels run the int8 DSP kernel per
// channel, so they need the DSP form (else dwconv3x3_s8_w*_scalar).
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "targets/arm-dsp/lowering/Im2colConv.h"
#include "targets/arm-dsp/lowering/LowBitRequant.h"
#include "targets/scalar/lowering/LowBitDepthwise.h"
#include <limits>

using namespace mlir;
using namespace emlc;

namespace {

/// Weight k of row m of an M x K matrix, 0 outside it (padding rows and taps).
int64_t at(ArrayRef<int64_t> w, int64_t m, int64_t k, int64_t M, int64_t K) {
  return m < M && k < K ? w[m * K + k] : 0;
}

/// conv_s8_w4_dsp / conv_s8_w2_dsp: channel pairs, per group of 32/bits taps
/// a word of channel m then one of m+1; in a word, value j (of the 16/bits
/// in each halfword) of the low halfword is tap 2j, of the high one tap
/// 2j+1, each w + 2^(bits-1) (unsigned).
SmallVector<int32_t> packConvDSP(ArrayRef<int64_t> w, int64_t M, int64_t K, int bits) {
  const int64_t G = 32 / bits, Kp = (K + G - 1) / G * G, off = int64_t(1) << (bits - 1);
  SmallVector<int32_t> out;
  for (int64_t m = 0; m < M; m += 2)
    for (int64_t g = 0; g < Kp; g += G)
      for (int64_t r = 0; r < 2; ++r) {
        uint32_t word = 0;
        for (int64_t j = 0; j < G / 2; ++j)
          word |= (uint32_t)(at(w, m + r, g + 2 * j, M, K) + off) << (bits * j) |
                  (uint32_t)(at(w, m + r, g + 2 * j + 1, M, K) + off) << (16 + bits * j);
        out.push_back((int32_t)word);
      }
  return out;
}

/// The fully connected kernels' widened input: word i holds taps
/// (4(i/2) + i%2, that + 2), SXTB16's pairs.
int64_t lowTap(int64_t i) { return 4 * (i / 2) + i % 2; }

/// fully_connected_s8_w4_dsp: channel quads, K padded to 8; word i of a quad
/// holds, in nibble j of its low halfword, channel n+j's weight at lowTap(i),
/// in its high halfword the one at lowTap(i)+2. Channels 0-2 of the quad as
/// w + 8, channel 3 as its two's complement nibble (the halfword read as
/// int16 is then u0 + 16 u1 + 256 u2 + 4096 w3).
SmallVector<int32_t> packFCW4DSP(ArrayRef<int64_t> w, int64_t N, int64_t K) {
  const int64_t Kp = (K + 7) / 8 * 8;
  SmallVector<int32_t> out;
  for (int64_t n = 0; n < N; n += 4)
    for (int64_t i = 0; i < Kp / 2; ++i) {
      uint32_t word = 0;
      for (int64_t j = 0; j < 4; ++j) {
        int64_t a = at(w, n + j, lowTap(i), N, K), b = at(w, n + j, lowTap(i) + 2, N, K);
        auto nibble = [&](int64_t v) { return (uint32_t)(j < 3 ? v + 8 : v & 15); };
        word |= nibble(a) << (4 * j) | nibble(b) << (16 + 4 * j);
      }
      out.push_back((int32_t)word);
    }
  return out;
}

/// fully_connected_s8_w2_dsp: channel pairs (a zero channel completing an
/// odd count), K padded to 16, per 16-tap group a word of channel n then one
/// of n+1; bits 2j of a word the weight at lowTap(8g + j), bits 16 + 2j the
/// one two taps on, each w + 2.
SmallVector<int32_t> packFCW2DSP(ArrayRef<int64_t> w, int64_t N, int64_t K) {
  const int64_t Kp = (K + 15) / 16 * 16;
  SmallVector<int32_t> out;
  for (int64_t n = 0; n < N; n += 2)
    for (int64_t g = 0; g < Kp / 16; ++g)
      for (int64_t r = 0; r < 2; ++r) {
        uint32_t word = 0;
        for (int64_t j = 0; j < 8; ++j) {
          int64_t i = 8 * g + j;
          word |= (uint32_t)(at(w, n + r, lowTap(i), N, K) + 2) << (2 * j) |
                  (uint32_t)(at(w, n + r, lowTap(i) + 2, N, K) + 2) << (16 + 2 * j);
        }
        out.push_back((int32_t)word);
      }
  return out;
}

bool convFits(Layer &l) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  return f.valid && f.constant() && f.s.groups == 1;
}

LogicalResult lowerConv(Layer &l, StringRef kernel) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  int64_t K = f.s.w[1] * f.s.w[2] * f.s.w[3], G = 32 / f.weightBits, Kp = (K + G - 1) / G * G;
  return lowerLowBitIm2colConv(l, kernel, packConvDSP(f.wv, f.s.w[0], K, f.weightBits), Kp, Kp);
}

/// fully_connected_s8_w4_dsp keeps 256 x its third channel's sums below 2^31.
bool fcFits(Layer &l, int64_t maxK) {
  const QuantFCFacts &f = l.facts<QuantFCFacts>();
  return f.valid && f.constant() && f.w[1] <= maxK;
}

} // namespace

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  r.addVariant("conv_s8_w4_dsp", "conv_s8_w4", convFits, [](Layer &l) { return lowerConv(l, "conv_s8_w4_dsp"); });
  r.addVariant("conv_s8_w2_dsp", "conv_s8_w2", convFits, [](Layer &l) { return lowerConv(l, "conv_s8_w2_dsp"); });
  r.addVariant(
      "fully_connected_s8_w4_dsp", "fully_connected_s8_w4", [](Layer &l) { return fcFits(l, 4096); },
      [](Layer &l) {
        const QuantFCFacts &f = l.facts<QuantFCFacts>();
        return lowerLowBitFullyConnected(l, "fully_connected_s8_w4_dsp", packFCW4DSP(f.wv, f.w[0], f.w[1]),
                                         (f.w[1] + 7) / 8 * 4);
      });
  r.addVariant(
      "fully_connected_s8_w2_dsp", "fully_connected_s8_w2",
      [](Layer &l) { return fcFits(l, std::numeric_limits<int64_t>::max()); },
      [](Layer &l) {
        const QuantFCFacts &f = l.facts<QuantFCFacts>();
        return lowerLowBitFullyConnected(l, "fully_connected_s8_w2_dsp", packFCW2DSP(f.wv, f.w[0], f.w[1]),
                                         (f.w[1] + 15) / 16 * 8);
      });
  // Depthwise 3x3: the weights unpacked into scratch, then the int8 kernel (three padded rows that rotate).
  for (int bits : {4, 2}) {
    std::string name = "dwconv3x3_s8_w" + std::to_string(bits) + "_dsp";
    r.addVariant(
        name, "dwconv3x3_s8_w" + std::to_string(bits),
        [](Layer &l) {
          const QuantConvFacts &f = l.facts<QuantConvFacts>();
          return f.valid && fitsDSP(f);
        },
        [name](Layer &l) {
          const ConvShape &s = l.facts<QuantConvFacts>().s;
          return lowerLowBitDepthwise(l, name, 3 * ((s.y[3] * s.st[1] + 6 + 3) / 4 * 4), /*dspRequantization=*/true);
        });
  }
}
