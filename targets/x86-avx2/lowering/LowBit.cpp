//===- LowBit.cpp - AVX2 kernels for weights below 8 bits (x86-64-avx2) ---===//
//
// kernels/lowbit_avx2.c: int8 activations, int4 or 2-bit (int2, ternary)
// weights, still 4 or 2 bits each in flash, in layouts that a load, a shift
// and an AND per field (and for the convolution a VPSHUFB sign table) decode
// for VPMADDUBSW, exact on these operands. TFLite's requantization on 8
// lanes, as the int8 AVX2 kernels: every layer with constant weights, results
// identical to the portable kernels'.
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "targets/scalar/lowering/LowBitDepthwise.h"
#include "targets/scalar/lowering/PaddedInput.h"
#include "targets/x86-sse41/lowering/TapPairConv.h"

using namespace mlir;
using namespace emlc;

namespace {

/// conv_lowbit_avx2_impl's layout: per block of 4 channels (zero channels
/// completing M) and group of 32 / bits taps (K padded with zeros), 16
/// bytes; byte 4c + t holds in bits [bits s, bits s + bits) channel c's
/// weight at tap 4s + t of the group, two's complement.
std::vector<uint8_t> packConvAVX2(ArrayRef<int64_t> w, int64_t M, int64_t K, int bits) {
  const int64_t G = 32 / bits, Kp = (K + G - 1) / G * G, mask = (1 << bits) - 1;
  std::vector<uint8_t> out;
  for (int64_t mb = 0; mb < M; mb += 4)
    for (int64_t g = 0; g < Kp; g += G)
      for (int64_t c = 0; c < 4; ++c)
        for (int64_t t = 0; t < 4; ++t) {
          uint8_t byte = 0;
          for (int64_t s = 0; s < 8 / bits; ++s) {
            int64_t m = mb + c, k = g + 4 * s + t;
            int64_t v = m < M && k < K ? w[m * K + k] : 0;
            byte |= (uint8_t)((v & mask) << (bits * s));
          }
          out.push_back(byte);
        }
  return out;
}

/// fc_lowbit_avx2_impl's layout: per row, blocks of B = 256 / bits taps in
/// 32 bytes (byte i holds in bits [bits s, bits s + bits) tap 32 s + i), every
/// value w + 2^(bits-1); the K % B = R taps left in Q = ceil(R bits / 8) bytes,
/// byte i holding in field s tap Q s + i of them (past K: 2^(bits-1)); 32
/// bytes after the last row, which the last tail block's load reads.
std::vector<uint8_t> packFullyConnectedAVX2(ArrayRef<int64_t> w, int64_t N, int64_t K, int bits) {
  const int64_t B = 256 / bits, KB = K / B * B, rest = K - KB, fields = 8 / bits, Q = (rest + fields - 1) / fields;
  const int64_t off = int64_t(1) << (bits - 1);
  auto u = [&](int64_t n, int64_t k) { return (uint8_t)((k < K ? w[n * K + k] : 0) + off); };
  std::vector<uint8_t> out;
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t b = 0; b < KB; b += B)
      for (int64_t i = 0; i < 32; ++i) {
        uint8_t byte = 0;
        for (int64_t s = 0; s < fields; ++s)
          byte |= (uint8_t)(u(n, b + 32 * s + i) << (bits * s));
        out.push_back(byte);
      }
    for (int64_t i = 0; i < Q; ++i) {
      uint8_t byte = 0;
      for (int64_t s = 0; s < fields; ++s)
        byte |= (uint8_t)(u(n, Q * s + i < rest ? KB + Q * s + i : K) << (bits * s));
      out.push_back(byte);
    }
  }
  if (rest)
    out.resize(out.size() + 32, 0);
  return out;
}

/// The convolutions: conv_s8_avx2's padded copy and taps, a column of 16
/// pixels x Kp bytes, a block's decoded weights (4 Kp bytes), and the bias
/// less 128 x each channel's weight sum (the column's unsigned offset).
LogicalResult lowerConv(Layer &l, StringRef kernel) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  Value out = k.result(f.op.getOutput(), l.loc);
  int64_t K = s.w[1] * s.w[2] * s.w[3], G = 32 / f.weightBits, Kp = (K + G - 1) / G * G;
  bool direct = s.direct1x1();
  PhaseSplit g = phaseSplit(s.w[1], s.w[2], s.w[3], s.y[2], s.y[3], s.st, s.dl);
  if (direct)
    g.taps = windowTaps(s.w[1], 1, 1, s.x[2], s.x[3], {1, 1});
  g.taps.resize(Kp, 0);
  SmallVector<int64_t> biasU;
  for (int64_t m = 0; m < s.w[0]; ++m) {
    int64_t sum = 0;
    for (int64_t i = 0; i < K; ++i)
      sum += f.wv[m * K + i];
    biasU.push_back((int64_t)(int32_t)(uint32_t)(f.biasEff[m] - 128 * sum)); // int32 arithmetic, as the kernel's
  }
  Value weights = k.global(l.loc, packConvAVX2(f.wv, s.w[0], K, f.weightBits));
  Type i32 = k.builder().getIntegerType(32);
  Value xp = k.scratch(l.loc, direct ? 1 : s.w[1] * g.Hp * s.st[1] * g.Wq + 8, k.builder().getIntegerType(8));
  Value col = k.scratch(l.loc, Kp * 4, i32);
  Value wb = k.scratch(l.loc, Kp, i32);
  SmallVector<Attribute> args = k.i32s({s.x[0], s.x[1], s.x[2], s.x[3], s.w[0], K, s.y[2], s.y[3], s.st[0], s.st[1],
                                        s.pads[0], s.pads[1], g.Hp, g.Wq, direct});
  args.append({k.table(g.taps), k.i32(-f.inOff), k.i32(f.outOff), k.table(biasU)});
  k.call(l.loc, kernel, {k.get(f.op.getInput()), weights}, {xp, col, wb, out}, f.withRequant(k, args, f.mult, f.shift));
  return success();
}

LogicalResult lowerFullyConnected(Layer &l, StringRef kernel) {
  const QuantFCFacts &f = l.facts<QuantFCFacts>();
  KernelLowering &k = l.k;
  Value out = k.result(f.op.getOutput(), l.loc);
  Value weights = k.global(l.loc, packFullyConnectedAVX2(f.wv, f.w[0], f.w[1], f.weightBits));
  // The tail block's inputs (B bytes), when K is not a multiple of B.
  Value xs = k.scratch(l.loc, f.w[1] % (256 / f.weightBits) ? 256 / f.weightBits : 1, k.builder().getIntegerType(8));
  SmallVector<Attribute> args = k.i32s({f.x[0], f.w[1], f.w[0]});
  args.append({k.table(f.biasEff), k.i32(f.outOff), k.table(f.mult), k.table(f.shift), k.i32(f.lo), k.i32(f.hi)});
  k.call(l.loc, kernel, {k.get(f.op.getInput()), weights}, {xs, out}, args);
  return success();
}

} // namespace

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  for (int bits : {4, 2}) {
    std::string b = std::to_string(bits);
    std::string conv = "conv_s8_w" + b + "_avx2", fc = "fully_connected_s8_w" + b + "_avx2",
                dw = "dwconv3x3_s8_w" + b + "_avx2";
    r.addVariant(
        conv, "conv_s8_w" + b, [](Layer &l) { return constantQuantConv(l) && l.facts<QuantConvFacts>().s.groups == 1; },
        [conv](Layer &l) { return lowerConv(l, conv); });
    r.addVariant(fc, "fully_connected_s8_w" + b, constantQuantFC,
                 [fc](Layer &l) { return lowerFullyConnected(l, fc); });
    // Depthwise 3x3: the weights unpacked into scratch, then the int8 kernel (a channel's padded plane).
    r.addVariant(dw, "dwconv3x3_s8_w" + b, x86DepthwiseFits, [dw](Layer &l) {
      return lowerLowBitDepthwise(l, dw, x86DepthwisePlaneBytes(l.facts<QuantConvFacts>().s),
                                  /*dspRequantization=*/false);
    });
  }
}
