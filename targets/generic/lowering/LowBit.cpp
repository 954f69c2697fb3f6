//===- LowBit.cpp - int8 layers with weights packed below 8 bits ----------===//
//
// Convolutions and fully connected layers whose weights PTQ quantized to
// int4, int2 or ternary (include/emlc/Quantization/Precision.h): the weights
// go to flash packed (packLowBit: 2 or 4 per byte, rows byte-aligned), the
// input offset is folded into the bias, and the requantization is TFLite's,
// so a layer computes exactly what the int8 kernels compute on the same
// integer weights (targets/generic/kernels/lowbit.c).
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "emlc/Conversion/NNToKernel/LayerFacts.h"
#include "targets/generic/lowering/SharedLowerings.h"

using namespace mlir;
using namespace emlc;

LogicalResult emlc::lowerConvLowBit(Layer &l, llvm::StringRef kernel) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  if (!f.valid || !f.constant())
    return l.op->emitError("a convolution with ") << f.weightBits << "-bit weights needs constant weights and bias";
  KernelLowering &k = l.k;
  nn::Conv2DOp c = f.op;
  const ConvShape &s = f.s;
  int64_t perRow = product(s.w, 1);
  Value w = k.global(l.loc, packLowBit(f.wv, s.w[0], perRow, f.weightBits));
  Value bias = k.get(c.getBias() ? c.getBias() : k.zeros(l.loc, s.w[0], k.builder().getIntegerType(32)));
  Value wrow = k.scratch(l.loc, perRow, k.builder().getIntegerType(8));
  Value out = k.result(c.getOutput(), l.loc);
  SmallVector<Attribute> args = s.windowArgs(k);
  args.append(k.i32s({s.groups, f.inOff, f.outOff}));
  args.push_back(k.table(f.biasEff));
  k.call(l.loc, kernel, {k.get(c.getInput()), w, bias}, {wrow, out}, f.withRequant(k, args, f.mult, f.shift));
  return success();
}

LogicalResult emlc::lowerFullyConnectedLowBit(Layer &l, llvm::StringRef kernel) {
  const QuantFCFacts &f = l.facts<QuantFCFacts>();
  if (!f.valid || !f.constant())
    return l.op->emitError("a fully connected layer with ")
           << f.weightBits << "-bit weights needs constant weights and bias";
  KernelLowering &k = l.k;
  Value w = k.global(l.loc, packLowBit(f.wv, f.w[0], f.w[1], f.weightBits));
  Value out = k.result(f.op.getOutput(), l.loc);
  SmallVector<Attribute> args = k.i32s({f.x[0], f.w[1], f.w[0], f.outOff});
  args.append({k.table(f.biasEff), k.table(f.mult), k.table(f.shift), k.i32(f.lo), k.i32(f.hi)});
  k.call(l.loc, kernel, {k.get(f.op.getInput()), w}, {out}, args);
  return success();
}
