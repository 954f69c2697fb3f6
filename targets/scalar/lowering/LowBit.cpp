//===- LowBit.cpp - plain-C kernels for weights below 8 bits ----------------===//
//
// kernels/lowbit_scalar.c: the depthwise 3x3 with int4 or 2-bit weights as
// dwconv3x3_s8_scalar on the unpacked weights (TFLite's requantization: any layer with
// constant weights), for the cores without SIMD and for the layers outside
// the Arm DSP requantization's domain.
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "targets/scalar/lowering/LowBitDepthwise.h"
#include "targets/scalar/lowering/PaddedInput.h"

using namespace mlir;
using namespace emlc;

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  for (int bits : {4, 2}) {
    std::string name = "dwconv3x3_s8_w" + std::to_string(bits) + "_scalar";
    r.addVariant(name, "dwconv3x3_s8_w" + std::to_string(bits), constantQuantConv, [name](Layer &l) {
      const ConvShape &s = l.facts<QuantConvFacts>().s;
      return lowerLowBitDepthwise(l, name, ((s.y[2] - 1) * s.st[0] + 3) * ((s.y[3] - 1) * s.st[1] + 3),
                                  /*dspRequantization=*/false);
    });
  }
}
