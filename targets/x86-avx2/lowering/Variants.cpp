//===- Variants.cpp - x86-64 AVX2/FMA kernels -------------------------------===//
//
// kernels/float_avx2.c: blocked GEMM tiles, Winograd F(2x2,3x3) and
// F(4x4,3x3), the channel-vectorized convolution and the channel-interleaved
// depthwise (tensors between them may stay [N][C/8][H][W][8]: the layout
// planner below); kernels/int8_avx2.c: VPMADDWD kernels, bit-exact with the
// portable ones.
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "targets/generic/lowering/SharedLowerings.h"
#include "targets/scalar/lowering/PaddedInput.h"
#include "targets/x86-sse41/lowering/TapPairConv.h"

using namespace mlir;
using namespace emlc;

namespace {

/// The float convolution tile for an OH x OW output with M channels:
/// 0 = vectors of 8 pixels (conv2d_f32_avx2, 4 channels x 24 pixels a tile),
/// else conv2d_f32_cm_avx2's channels per tile (16: 16 x 6 pixels, 24: 24 x 3).
/// Each is priced as the lanes it computes (zero channels, repeated pixels,
/// empty slots included) over its speed measured on 1x1 layers (bench/latency.py
/// machine: 55, 51 and 44 GMAC/s); pixel rows that end inside a vector cost
/// the row tile 15% more (its bounce copy and partial stores). 6x6 planes
/// (MobileNet's 128-channel layers: 36 pixels) go 13.4 -> 11.0 us with 16 x 6.
int64_t avx2ConvTile(int64_t M, int64_t OH, int64_t OW, bool direct) {
  auto up = [](int64_t v, int64_t m) { return (v + m - 1) / m * m; };
  int64_t P = OH * OW, slots = direct ? up(P, 8) / 8 : OH * (up(OW, 8) / 8);
  double rowLanes = slots / 3 * 24 + (slots % 3 ? 16 : 0);
  double row = up(M, 4) * rowLanes / 55.0 * ((direct ? P : OW) % 8 ? 1.15 : 1.0);
  double cm16 = up(M, 16) * up(P, 6) / 51.0, cm24 = up(M, 24) * up(P, 3) / 44.0;
  return row <= std::min(cm16, cm24) ? 0 : cm16 <= cm24 ? 16 : 24;
}

/// The Winograd kernels' weights: U = G g G^T per (m, c), packed
/// [n*n][ceil(M/4)][C][4], zero rows completing M: F(2x2,3x3) (n = 4, G 4x3)
/// or F(4x4,3x3) (n = 6, G 6x3).
std::vector<float> packWinograd(DenseElementsAttr w, int64_t M, int64_t C, int n) {
  static const double G4[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
  static const double G6[6][3] = {{0.25, 0, 0},
                                  {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                  {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                  {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                  {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                  {0, 0, 1}};
  auto G = [&](int a, int i) { return n == 4 ? G4[a][i] : G6[a][i]; };
  std::vector<float> g(w.getValues<float>().begin(), w.getValues<float>().end());
  int64_t Mp = (M + 3) / 4 * 4;
  std::vector<float> out(n * n * Mp * C, 0.0f);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t c = 0; c < C; ++c)
      for (int a = 0; a < n; ++a)
        for (int b = 0; b < n; ++b) {
          double v = 0;
          for (int i = 0; i < 3; ++i)
            for (int k = 0; k < 3; ++k)
              v += G(a, i) * g[((m * C + c) * 3 + i) * 3 + k] * G(b, k);
          out[(((a * n + b) * (Mp / 4) + m / 4) * C + c) * 4 + m % 4] = (float)v;
        }
  return out;
}

/// Winograd F(2x2,3x3) for stride-1 3x3 float layers with tiles in runs of 4
/// (see the kernel) and enough input channels to fill its GEMMs.
bool winogradFits(const FloatConvFacts &f) {
  const ConvShape &s = f.s;
  int64_t TH = s.y[2] / 2, TW = s.y[3] / 2;
  return f.f32 && s.groups == 1 && f.weights && s.w[2] == 3 && s.w[3] == 3 && s.w[1] >= 8 && s.st[0] == 1 &&
         s.st[1] == 1 && s.dl[0] == 1 && s.dl[1] == 1 && s.y[2] % 2 == 0 && s.y[3] % 2 == 0 && TW % 4 == 0 &&
         (TH * TW) % 8 == 0;
}

/// F(4x4,3x3) where its tiles (runs of 4 along a row again) are many enough to fill the GEMMs.
bool winograd4Fits(const FloatConvFacts &f) {
  const ConvShape &s = f.s;
  return winogradFits(f) && s.y[2] % 4 == 0 && s.y[3] % 16 == 0 && (s.y[2] / 4) * (s.y[3] / 4) >= 16;
}

/// `n`: 4 for F(2x2,3x3), 6 for F(4x4,3x3); the work buffer holds the
/// padded input and the transformed tiles of one block of `NT` tiles.
LogicalResult lowerWinograd(Layer &l, StringRef kernel, int n) {
  const FloatConvFacts &f = l.facts<FloatConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  nn::Conv2DOp c = f.op;
  auto [bias, out] = f.biasAndOutput(l);
  int64_t C = s.w[1], Mp = (s.w[0] + 3) / 4 * 4;
  int64_t work = n == 6 ? C * (s.y[2] + 2) * 4 * (s.y[3] / 4 + 1) + 8 + 36 * (64 * (C + Mp) + 32)
                        : C * (2 * (s.y[2] / 2) + 2) * (2 * (s.y[3] / 2) + 2) + 16 * (96 * (C + Mp) + 32);
  Value buffer = k.scratch(l.loc, work, f.elem);
  SmallVector<Attribute> args = k.i32s({s.x[0], C, s.x[2], s.x[3], s.w[0], s.y[2], s.y[3], s.pads[0], s.pads[1]});
  args.append({f.lo, f.hi});
  k.call(l.loc, kernel, {k.get(c.getInput()), k.global(l.loc, packWinograd(f.weights, s.w[0], C, n)), k.get(bias)},
         {buffer, out}, args);
  return success();
}

/// Which sides of a float convolution the channel-interleaved layout may be
/// on: bit 1 it can read it, bit 2 write it. The depthwise kernel both ways;
/// the channel-vectorized one both ways on 1x1 stride-1 unpadded layers,
/// and writes it where it is chosen anyway (small planes, short rows).
unsigned interleavedSides(KernelLowering &k, nn::Conv2DOp c, Layer &l) {
  auto x = shapeOf(c.getInput());
  if (!elemOf(c.getInput()).isF32() || !constantStorage(c.getWeight()) || x.size() != 4)
    return 0;
  const FloatConvFacts &f = l.facts<FloatConvFacts>();
  const ConvShape &s = f.s;
  if (s.depthwise())
    return k.variant("dwconv_f32") == "dwconv_f32_avx2" ? 3 : 0;
  if (s.groups != 1 || k.variant("conv_f32") != "conv2d_f32_avx2" ||
      k.variant("conv_small_f32") != "conv2d_f32_cm_avx2" || s.dl[0] != 1 || s.dl[1] != 1 ||
      (winogradFits(f) && k.variant("conv3x3_f32") == "conv3x3_f32_wino_avx2"))
    return 0;
  if (s.direct1x1())
    return 3;
  return avx2ConvTile(s.w[0], s.y[2], s.y[3], false) ? 2 : 0;
}

/// A conv output is kept interleaved when its kernel can write the layout,
/// its channels are a multiple of 8 and every reader is a conv that reads
/// it: MobileNet-style depthwise/pointwise chains then pass no transposes.
void planInterleaved(KernelLowering &k) {
  auto sides = [&](nn::Conv2DOp c) {
    Layer l(c, k);
    return interleavedSides(k, c, l);
  };
  k.nnFunction().walk([&](nn::Conv2DOp c) {
    Value t = c.getOutput();
    auto y = shapeOf(t);
    if (!(sides(c) & 2) || y.size() != 4 || y[1] % 8 || t.use_empty() || k.isPlaced(t))
      return;
    for (OpOperand &u : t.getUses()) {
      auto d = llvm::dyn_cast<nn::Conv2DOp>(u.getOwner());
      if (!d || u.getOperandNumber() != 0 || !(sides(d) & 1))
        return;
    }
    k.markInterleaved(t);
  });
}

/// Vectors over output channels, tiles of 16 channels x 6 pixels or 24 x 3:
/// small planes and short rows, and always when a side is interleaved.
int64_t channelTile(Layer &l) {
  const FloatConvFacts &f = l.facts<FloatConvFacts>();
  int64_t nb = avx2ConvTile(f.s.w[0], f.s.y[2], f.s.y[3], f.s.direct1x1());
  if (l.k.isInterleaved(f.op.getInput()) || l.k.isInterleaved(f.op.getOutput()))
    nb = nb ? nb : 16;
  return nb;
}

LogicalResult lowerChannelVectorized(Layer &l) {
  const FloatConvFacts &f = l.facts<FloatConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  nn::Conv2DOp c = f.op;
  auto [bias, out] = f.biasAndOutput(l);
  int64_t K = s.w[1] * s.w[2] * s.w[3], nb = channelTile(l);
  bool direct = s.direct1x1(), inC8 = k.isInterleaved(c.getInput()), outC8 = k.isInterleaved(c.getOutput());
  int64_t Hp = (s.y[2] - 1) * s.st[0] + s.w[2], Wq = (s.y[3] - 1) * s.st[1] + s.w[3];
  // Taps in x itself (planar, or interleaved: channel k at (k/8)*8*H*W + k%8
  // from the pixel), or in the padded copy's Hp x Wq planes.
  SmallVector<int64_t> taps =
      direct ? windowTaps(s.w[1], 1, 1, s.x[2], s.x[3], {1, 1}) : windowTaps(s.w[1], s.w[2], s.w[3], Hp, Wq, {1, 1});
  if (inC8)
    for (int64_t i = 0; i < K; ++i)
      taps[i] = i / 8 * 8 * s.x[2] * s.x[3] + i % 8;
  Value xp = k.scratch(l.loc, direct ? 1 : s.w[1] * Hp * Wq + 8, f.elem); // + pad_phase_f32's room
  SmallVector<Attribute> args = k.i32s({s.x[0], s.x[1], s.x[2], s.x[3], s.w[0], K, s.y[2], s.y[3], s.st[0], s.st[1],
                                        s.pads[0], s.pads[1], Hp, Wq, direct, nb, inC8 | outC8 << 1});
  args.append({k.table(taps), f.lo, f.hi});
  k.call(l.loc, "conv2d_f32_cm_avx2",
         {k.get(c.getInput()), k.global(l.loc, packRowBlocksF32(f.weights, s.w[0], K, nb)), k.get(bias)}, {xp, out},
         args);
  return success();
}

/// 8 channels interleaved by register transposes; the work buffer holds the
/// interleaved padded input and output.
LogicalResult lowerDepthwise(Layer &l) {
  const FloatConvFacts &f = l.facts<FloatConvFacts>();
  const ConvShape &s = f.s;
  KernelLowering &k = l.k;
  nn::Conv2DOp c = f.op;
  auto [bias, out] = f.biasAndOutput(l);
  int64_t Hp = (s.y[2] - 1) * s.st[0] + (s.w[2] - 1) * s.dl[0] + 1;
  int64_t Wp = (s.y[3] - 1) * s.st[1] + (s.w[3] - 1) * s.dl[1] + 1;
  Value work = k.scratch(l.loc, (Hp * Wp + s.y[2] * s.y[3] + 7) * 8, f.elem);
  SmallVector<Attribute> args =
      k.i32s({s.x[0], s.x[1], s.x[2], s.x[3], s.w[2], s.w[3], s.y[2], s.y[3], s.st[0], s.st[1], s.dl[0], s.dl[1],
              s.pads[0], s.pads[1], k.isInterleaved(c.getInput()) | k.isInterleaved(c.getOutput()) << 1});
  args.append({f.lo, f.hi});
  k.call(l.loc, "dwconv_f32_avx2",
         {k.get(c.getInput()), k.global(l.loc, packRowBlocksF32(f.weights, s.w[0], s.w[2] * s.w[3], 8)), k.get(bias)},
         {work, out}, args);
  return success();
}

bool constantWeights(Layer &l) { return bool(l.facts<FloatConvFacts>().weights); }

} // namespace

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  r.addPlanner(planInterleaved);
  // Float convolutions.
  r.addVariant(
      "conv3x3_f32_wino4_avx2", "conv3x3_large_f32", [](Layer &l) { return winograd4Fits(l.facts<FloatConvFacts>()); },
      [](Layer &l) { return lowerWinograd(l, "conv3x3_f32_wino4_avx2", 6); });
  r.addVariant(
      "conv3x3_f32_wino_avx2", "conv3x3_f32", [](Layer &l) { return winogradFits(l.facts<FloatConvFacts>()); },
      [](Layer &l) { return lowerWinograd(l, "conv3x3_f32_wino_avx2", 4); });
  r.addVariant(
      "conv2d_f32_cm_avx2", "conv_small_f32",
      [](Layer &l) {
        const FloatConvFacts &f = l.facts<FloatConvFacts>();
        return f.weights && f.s.dl[0] == 1 && f.s.dl[1] == 1 && channelTile(l) != 0;
      },
      lowerChannelVectorized);
  r.addVariant("conv2d_f32_avx2", "conv_f32", constantWeights,
               [](Layer &l) { return lowerPhaseSplitConvF32(l, "conv2d_f32_avx2", 24); });
  r.addVariant("dwconv_f32_avx2", "dwconv_f32", constantWeights, lowerDepthwise);
  r.addVariant(
      "fully_connected_f32_avx2", "fully_connected_f32", [](Layer &) { return true; },
      [](Layer &l) { return lowerFullyConnectedF32(l, "fully_connected_f32_avx2"); });
  r.addVariant(
      "add_same_f32_avx2", "add_same_f32", [](Layer &) { return true; },
      [](Layer &l) { return lowerSameShapeBinaryF32(l, "add_same_f32_avx2"); });
  r.addVariant(
      "reduce_rows_f32_avx2", "reduce_rows_f32", [](Layer &) { return true; },
      [](Layer &l) { return lowerReduceRowsF32(l, "reduce_rows_f32_avx2"); });
  // int8.
  r.addVariant("conv_s8_avx2", "conv_s8", constantQuantConv,
               [](Layer &l) { return lowerTapPairConvS8(l, "conv_s8_avx2", 16); });
  r.addVariant("dwconv3x3_s8_avx2", "dwconv3x3_s8", x86DepthwiseFits, [](Layer &l) {
    return lowerPaddedPlaneDepthwiseS8(l, "dwconv3x3_s8_avx2", x86DepthwisePlaneBytes(l.facts<QuantConvFacts>().s));
  });
  r.addVariant("fully_connected_s8_avx2", "fully_connected_s8", constantQuantFC,
               [](Layer &l) { return lowerFoldedFullyConnectedS8(l, "fully_connected_s8_avx2"); });
  r.addVariant(
      "add_s8_avx2", "add_s8", [](Layer &l) { return l.facts<QuantAddFacts>().valid; },
      [](Layer &l) { return lowerAddS8(l, "add_s8_avx2"); });
}
