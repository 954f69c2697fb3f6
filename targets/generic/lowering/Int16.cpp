//===- Int16.cpp - portable lowerings of int16 activations (TFLite 16x8) ---===//
//
// Mixed precision runs sensitive layers with int16 activations and int8
// weights, TFLite's "16x8" mode (kernels/int16.c): symmetric int16 tensors
// (zero point 0), int64 accumulation and bias, TFLite's int64
// requantization. The portable lowerings of nn.conv2d, nn.fully_connected,
// nn.binary, nn.pool2d and quant.qcast (Compute.cpp, Elementwise.cpp,
// DataMovement.cpp) come here when the activations are int16; int8 layers
// never do. At a boundary between int8 and int16 layers a quant.qcast from
// one quantized type to the other is TFLite's Requantize: integer arithmetic
// throughout, no float.
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "emlc/Conversion/NNToKernel/LayerFacts.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "targets/generic/lowering/SharedLowerings.h"

using namespace mlir;
using namespace emlc;

/// The int64 bias of an int16 layer, zeros when it has none.
static Value int64Bias(Layer &l, Value bias, int64_t channels) {
  return bias ? bias : l.k.zeros(l.loc, channels, l.k.builder().getIntegerType(64));
}

LogicalResult emlc::lowerConvS16(Layer &l) {
  const Int16ConvFacts &f = l.facts<Int16ConvFacts>();
  if (!f.valid())
    return l.op->emitError(f.error);
  KernelLowering &k = l.k;
  nn::Conv2DOp c = f.op;
  Value bias = int64Bias(l, c.getBias(), f.s.w[0]);
  Value out = k.result(c.getOutput(), l.loc);
  SmallVector<Attribute> args = f.s.windowArgs(k);
  args.push_back(k.i32(f.s.groups));
  args.append({k.table(f.mult), k.table(f.shift), k.i32(f.lo), k.i32(f.hi)});
  k.call(l.loc, "conv2d_s16", {k.get(c.getInput()), k.get(c.getWeight()), k.get(bias)}, {out}, args);
  return success();
}

LogicalResult emlc::lowerFullyConnectedS16(Layer &l) {
  const Int16FCFacts &f = l.facts<Int16FCFacts>();
  if (!f.valid())
    return l.op->emitError(f.error);
  KernelLowering &k = l.k;
  Value bias = int64Bias(l, f.op.getBias(), f.w[0]);
  Value out = k.result(f.op.getOutput(), l.loc);
  SmallVector<Attribute> args = k.i32s({f.x[0], f.w[1], f.w[0]});
  args.append({k.table(f.mult), k.table(f.shift), k.i32(f.lo), k.i32(f.hi)});
  k.call(l.loc, "fully_connected_s16", {k.get(f.op.getInput()), k.get(f.op.getWeight()), k.get(bias)}, {out}, args);
  return success();
}

/// TFLite's int16 Add with general scales (left shift 15): every operand and
/// the output int16 with zero point 0, equal shapes.
LogicalResult emlc::lowerBinaryS16(Layer &l) {
  auto bo = llvm::cast<nn::BinaryOp>(l.op);
  auto symmetric16 = [](Value v) { return isInt16Symmetric(elemOf(v)); };
  if (bo.getKind() != nn::BinaryKind::add || !symmetric16(bo.getLhs()) || !symmetric16(bo.getRhs()) ||
      !symmetric16(bo.getOutput()) || shapeOf(bo.getLhs()) != shapeOf(bo.getRhs()))
    return l.op->emitError("int16 elementwise ops are supported as Add of equal shapes with int16 operands and "
                           "output, zero points 0 (TFLite 16x8)");
  return lowerAddS8(l, "add_s16");
}

/// TFLite int16 average pooling: input and output share their quantization.
LogicalResult emlc::lowerAvgPoolS16(Layer &l) {
  auto p = llvm::cast<nn::Pool2DOp>(l.op);
  KernelLowering &k = l.k;
  Type xe = elemOf(p.getInput());
  auto qt = llvm::dyn_cast<quant::UniformQuantizedType>(xe);
  auto pads = p.getPads();
  if (!qt || xe != elemOf(p.getOutput()) || !qt.isSigned() ||
      (p.getCountIncludePad() && llvm::any_of(pads, [](int64_t v) { return v != 0; })))
    return l.op->emitError("int16 average pooling needs signed int16 with the input's quantization on the "
                           "output and count_include_pad = 0");
  auto x = shapeOf(p.getInput()), y = shapeOf(p.getOutput());
  auto kern = p.getKernel(), s = p.getStrides(), d = p.getDilations();
  Value out = k.result(p.getOutput(), l.loc);
  k.call(l.loc, "avgpool2d_s16", {k.get(p.getInput())}, {out},
         k.i32s({x[0] * x[1], x[2], x[3], y[2], y[3], kern[0], kern[1], s[0], s[1], d[0], d[1], pads[0], pads[1],
                 qt.getStorageTypeMin(), qt.getStorageTypeMax()}));
  return success();
}

/// quant.qcast between quantized types (int8 <-> int16, or a new scale of
/// the same width): TFLite's Requantize, multiplier and shift of
/// in_scale / out_scale by QuantizeMultiplier (quantize.cc), clamped to the
/// output's storage range.
LogicalResult emlc::lowerRequantize(Layer &l) {
  Value x = l.op->getOperand(0), y = l.op->getResult(0);
  auto in = llvm::dyn_cast<quant::UniformQuantizedType>(elemOf(x));
  auto out = llvm::dyn_cast<quant::UniformQuantizedType>(elemOf(y));
  auto name = [](quant::UniformQuantizedType t) -> std::string {
    if (!t || !t.isSigned() || (t.getStorageTypeIntegralWidth() != 8 && t.getStorageTypeIntegralWidth() != 16))
      return "";
    return t.getStorageTypeIntegralWidth() == 8 ? "s8" : "s16";
  };
  if (name(in).empty() || name(out).empty())
    return l.op->emitError("requantization is supported between per-tensor int8 and int16 types, not from ")
           << elemOf(x) << " to " << elemOf(y);
  int32_t mult, shift;
  quantizeMultiplier((double)(float)in.getScale() / (double)(float)out.getScale(), mult, shift);
  Value buf = l.k.result(y, l.loc);
  l.k.call(l.loc, "requantize_" + name(in) + "_" + name(out), {l.k.get(x)}, {buf},
           l.k.i32s({product(shapeOf(x)), in.getZeroPoint(), out.getZeroPoint(), mult, shift, out.getStorageTypeMin(),
                     out.getStorageTypeMax()}));
  return success();
}
