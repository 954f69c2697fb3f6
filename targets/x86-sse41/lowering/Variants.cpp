//===- Variants.cpp - x86-64-v2 (SSE4.1) kernels ----------------------------===//
//
// kernels/int8_sse41.c (bit-exact with the portable int8 kernels) and
// kernels/float_sse41.c (multiply + add tiles; no FMA on these cores).
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "targets/generic/lowering/SharedLowerings.h"
#include "targets/scalar/lowering/PaddedInput.h"
#include "targets/x86-sse41/lowering/TapPairConv.h"

using namespace mlir;
using namespace emlc;

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  r.addVariant("conv_s8_sse41", "conv_s8", constantQuantConv,
               [](Layer &l) { return lowerTapPairConvS8(l, "conv_s8_sse41", 8); });
  r.addVariant("dwconv3x3_s8_sse41", "dwconv3x3_s8", x86DepthwiseFits, [](Layer &l) {
    return lowerPaddedPlaneDepthwiseS8(l, "dwconv3x3_s8_sse41", x86DepthwisePlaneBytes(l.facts<QuantConvFacts>().s));
  });
  r.addVariant("fully_connected_s8_sse41", "fully_connected_s8", constantQuantFC,
               [](Layer &l) { return lowerFoldedFullyConnectedS8(l, "fully_connected_s8_sse41"); });
  r.addVariant(
      "add_s8_sse41", "add_s8", [](Layer &l) { return l.facts<QuantAddFacts>().valid; },
      [](Layer &l) { return lowerAddS8(l, "add_s8_sse41"); });
  r.addVariant(
      "conv2d_f32_sse41", "conv_f32", [](Layer &l) { return bool(l.facts<FloatConvFacts>().weights); },
      [](Layer &l) { return lowerPhaseSplitConvF32(l, "conv2d_f32_sse41", 8); });
  r.addVariant(
      "dwconv_f32_sse41", "dwconv_f32", [](Layer &) { return true; },
      [](Layer &l) { return lowerPhaseSplitDepthwiseF32(l, "dwconv_f32_sse41"); });
  r.addVariant(
      "add_same_f32_sse41", "add_same_f32", [](Layer &) { return true; },
      [](Layer &l) { return lowerSameShapeBinaryF32(l, "add_same_f32_sse41"); });
  r.addVariant(
      "fully_connected_f32_sse41", "fully_connected_f32", [](Layer &) { return true; },
      [](Layer &l) { return lowerFullyConnectedF32(l, "fully_connected_f32_sse41"); });
}
