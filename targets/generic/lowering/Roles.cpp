//===- Roles.cpp - the kinds of layers a target may give its own kernels ---===//
//
// The keys of a target.json's "variants", in rank order: when several roles
// apply to a layer (a 3x3 stride-1 float convolution is also a float
// convolution), the earlier is asked first. A role says which layers it
// covers; its variants (in the ISA folders) say which of those they can run.
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "emlc/Conversion/NNToKernel/LayerFacts.h"
#include "targets/generic/lowering/SharedLowerings.h"

using namespace mlir;
using namespace emlc;

namespace {

/// int8 activations (int16 ones have roles of their own).
bool isInt8(Value v) { return quantizedBits(elemOf(v)) == 8; }
/// int16 activations (TFLite's 16x8 mode).
bool isInt16(Value v) { return quantizedBits(elemOf(v)) == 16; }

/// A float32 convolution matching `shape`.
bool floatConv(Layer &l, llvm::function_ref<bool(const ConvShape &)> shape = nullptr) {
  auto c = llvm::dyn_cast<nn::Conv2DOp>(l.op);
  return c && elemOf(c.getInput()).isF32() && (!shape || shape(l.facts<FloatConvFacts>().s));
}

/// An int8 convolution with `bits`-bit weights matching `what`.
bool quantConv(Layer &l, llvm::function_ref<bool(const QuantConvFacts &)> what, int bits = 8) {
  auto c = llvm::dyn_cast<nn::Conv2DOp>(l.op);
  return c && isInt8(c.getInput()) && l.facts<QuantConvFacts>().weightBits == bits && what(l.facts<QuantConvFacts>());
}

/// An int8 fully connected layer with `bits`-bit weights.
bool quantFC(Layer &l, int bits) {
  auto f = llvm::dyn_cast<nn::FullyConnectedOp>(l.op);
  return f && isInt8(f.getInput()) && l.facts<QuantFCFacts>().weightBits == bits;
}

} // namespace

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  // Float convolutions: Winograd tiles first (3x3, stride 1), then small
  // planes, then the general tile; depthwise apart.
  r.addRole("conv3x3_large_f32", [](Layer &l) { return floatConv(l); });
  r.addRole("conv3x3_f32", [](Layer &l) { return floatConv(l); });
  r.addRole("conv_small_f32", [](Layer &l) { return floatConv(l, [](const ConvShape &s) { return s.groups == 1; }); });
  r.addRole("conv_f32", [](Layer &l) { return floatConv(l, [](const ConvShape &s) { return s.groups == 1; }); });
  r.addRole("dwconv_f32",
            [](Layer &l) { return floatConv(l, [](const ConvShape &s) { return s.groups != 1 && s.depthwise(); }); });
  // int8 convolutions: pointwise (a target may keep the portable 1x1 kernel
  // there), one group, depthwise 3x3.
  r.addRole("conv1x1_s8", [](Layer &l) { return quantConv(l, [](const QuantConvFacts &f) { return f.pointwise; }); });
  r.addRole("conv_s8", [](Layer &l) { return quantConv(l, [](const QuantConvFacts &f) { return f.s.groups == 1; }); });
  r.addRole("dwconv3x3_s8", [](Layer &l) {
    return quantConv(l, [](const QuantConvFacts &f) { return f.s.groups != 1 && f.depthwise3x3; });
  });
  r.addRole("fully_connected_s8", [](Layer &l) { return quantFC(l, 8); });
  // int8 activations, weights packed below 8 bits (mixed precision): int4;
  // int2 and ternary share the 2-bit kernels. Depthwise 3x3 first (a
  // convolution role covers every group count).
  r.addRole("dwconv3x3_s8_w4", [](Layer &l) {
    return quantConv(l, [](const QuantConvFacts &f) { return f.s.groups != 1 && f.depthwise3x3; }, 4);
  });
  r.addRole("dwconv3x3_s8_w2", [](Layer &l) {
    return quantConv(l, [](const QuantConvFacts &f) { return f.s.groups != 1 && f.depthwise3x3; }, 2);
  });
  r.addRole("conv_s8_w4", [](Layer &l) { return quantConv(l, [](const QuantConvFacts &) { return true; }, 4); });
  r.addRole("conv_s8_w2", [](Layer &l) { return quantConv(l, [](const QuantConvFacts &) { return true; }, 2); });
  r.addRole("fully_connected_s8_w4", [](Layer &l) { return quantFC(l, 4); });
  r.addRole("fully_connected_s8_w2", [](Layer &l) { return quantFC(l, 2); });
  // int16 activations with int8 weights (TFLite's 16x8 mode): one group; fully connected.
  r.addRole("conv_s16", [](Layer &l) {
    auto c = llvm::dyn_cast<nn::Conv2DOp>(l.op);
    return c && isInt16(c.getInput()) && l.facts<Int16ConvFacts>().s.groups == 1;
  });
  r.addRole("fully_connected_s16", [](Layer &l) {
    auto f = llvm::dyn_cast<nn::FullyConnectedOp>(l.op);
    return f && isInt16(f.getInput());
  });
  r.addRole("fully_connected_f32", [](Layer &l) {
    auto f = llvm::dyn_cast<nn::FullyConnectedOp>(l.op);
    return f && elemOf(f.getInput()).isF32();
  });
  // Elementwise: an int8 Add; a float Add of operands shaped like its output (residual adds).
  r.addRole("add_s8", [](Layer &l) {
    auto b = llvm::dyn_cast<nn::BinaryOp>(l.op);
    return b && b.getKind() == nn::BinaryKind::add && isInt8(b.getLhs());
  });
  r.addRole("add_same_f32", [](Layer &l) {
    auto b = llvm::dyn_cast<nn::BinaryOp>(l.op);
    if (!b || b.getKind() != nn::BinaryKind::add || !elemOf(b.getLhs()).isF32() ||
        elemOf(b.getRhs()) != elemOf(b.getLhs()))
      return false;
    auto y = shapeOf(b.getOutput());
    return shapeOf(b.getLhs()) == y && shapeOf(b.getRhs()) == y;
  });
  // An int8 mean over trailing axes (global average pooling): reduce_mean_s8.
  r.addRole("reduce_mean_s8", [](Layer &l) { return isInt8MeanOfRows(l.op); });
  // A float reduction whose reduced axes all follow the kept ones (size-1
  // axes aside): each output reduces a contiguous run.
  r.addRole("reduce_rows_f32", [](Layer &l) {
    auto red = llvm::dyn_cast<nn::ReduceOp>(l.op);
    if (!red || !elemOf(red.getInput()).isF32())
      return false;
    auto x = shapeOf(red.getInput());
    bool trailing = true, seenReduced = false;
    for (size_t i = 0; i < x.size(); ++i)
      if (x[i] > 1) {
        bool reduced = llvm::is_contained(red.getAxes(), (int64_t)i);
        trailing &= reduced || !seenReduced;
        seenReduced |= reduced;
      }
    return trailing;
  });
}
