//===- Compute.cpp - portable convolution, fully connected and matmul -----===//
//
// The lowerings every target falls back on (targets/generic/kernels: conv.c,
// int8.c, matmul.c). The int8 ones compute exactly as TFLite does.
//
//===----------------------------------------------------------------------===//

#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "emlc/Conversion/NNToKernel/LayerFacts.h"
#include "targets/generic/lowering/SharedLowerings.h"

using namespace mlir;
using namespace emlc;

namespace {

LogicalResult needF32(Layer &l, Value v) {
  if (!elemOf(v).isF32())
    return l.op->emitError("element type ") << elemOf(v) << " is not supported by this kernel (float32 only)";
  return success();
}

/// TFLite int8 convolution (per-channel requantization; groups cover
/// depthwise): the general kernel, or with constant weights the ones that
/// fold the input offset into the bias.
LogicalResult lowerConvS8(Layer &l) {
  const QuantConvFacts &f = l.facts<QuantConvFacts>();
  if (!f.valid)
    return l.op->emitError("int8 convolution needs per-tensor quantized input and output");
  if (f.weightBits < 8)
    return lowerConvLowBit(l, f.weightBits == 4 ? "conv2d_s8_w4" : "conv2d_s8_w2");
  KernelLowering &k = l.k;
  nn::Conv2DOp c = f.op;
  const ConvShape &s = f.s;
  Value bias = c.getBias() ? c.getBias() : k.zeros(l.loc, s.w[0], k.builder().getIntegerType(32));
  Value out = k.result(c.getOutput(), l.loc);
  SmallVector<Attribute> args = s.windowArgs(k);
  if (!f.constant()) {
    args.append(k.i32s({s.groups, f.inOff, f.outOff}));
    k.call(l.loc, "conv2d_s8", {k.get(c.getInput()), k.get(c.getWeight()), k.get(bias)}, {out},
           f.withRequant(k, args, f.mult, f.shift));
  } else if (f.pointwise) {
    k.call(l.loc, "conv1x1_s8", {k.get(c.getInput()), k.get(c.getWeight())}, {out},
           f.withRequant(k,
                         {k.i32(s.x[0]), k.i32(s.x[1]), k.i32(s.x[2] * s.x[3]), k.i32(s.w[0]), k.table(f.biasEff),
                          k.i32(f.outOff)},
                         f.mult, f.shift));
  } else if (f.depthwise3x3) {
    SmallVector<Attribute> dw = k.i32s(
        {s.x[0], s.x[1], s.x[2], s.x[3], s.y[2], s.y[3], s.st[0], s.st[1], s.pads[0], s.pads[1], f.inOff, f.outOff});
    dw.push_back(k.table(f.biasEff));
    k.call(l.loc, "dwconv3x3_s8", {k.get(c.getInput()), k.get(c.getWeight()), k.get(bias)}, {out},
           f.withRequant(k, dw, f.mult, f.shift));
  } else {
    args.append(k.i32s({s.groups, f.inOff, f.outOff}));
    args.push_back(k.table(f.biasEff));
    k.call(l.loc, "conv2d_s8_folded", {k.get(c.getInput()), k.get(c.getWeight()), k.get(bias)}, {out},
           f.withRequant(k, args, f.mult, f.shift));
  }
  return success();
}

/// Float (or int32: ConvInteger) NCHW convolution with groups.
LogicalResult lowerConv(Layer &l) {
  auto c = llvm::cast<nn::Conv2DOp>(l.op);
  if (quantizedBits(elemOf(c.getInput())) == 16)
    return lowerConvS16(l);
  if (llvm::isa<quant::QuantizedType>(elemOf(c.getInput())))
    return lowerConvS8(l);
  const FloatConvFacts &f = l.facts<FloatConvFacts>();
  if (!f.elem.isInteger(32) && failed(needF32(l, c.getInput())))
    return failure();
  KernelLowering &k = l.k;
  auto [bias, out] = f.biasAndOutput(l);
  SmallVector<Attribute> args = f.s.windowArgs(k);
  args.append({k.i32(f.s.groups), f.lo, f.hi});
  k.call(l.loc, "conv2d_" + typeSuffix(f.elem), {k.get(c.getInput()), k.get(c.getWeight()), k.get(bias)}, {out}, args);
  return success();
}

LogicalResult lowerConvTranspose(Layer &l) {
  auto c = llvm::cast<nn::ConvTranspose2DOp>(l.op);
  if (failed(needF32(l, c.getInput())))
    return failure();
  KernelLowering &k = l.k;
  auto x = shapeOf(c.getInput()), w = shapeOf(c.getWeight()), y = shapeOf(c.getOutput());
  Value bias = c.getBias() ? c.getBias() : k.zeros(l.loc, y[1], elemOf(c.getInput()));
  Value out = k.result(c.getOutput(), l.loc);
  k.call(l.loc, "conv_transpose2d_f32", {k.get(c.getInput()), k.get(c.getWeight()), k.get(bias)}, {out},
         k.i32s({x[0], x[1], x[2], x[3], y[1], w[2], w[3], y[2], y[3], c.getStrides()[0], c.getStrides()[1],
                 c.getDilations()[0], c.getDilations()[1], c.getPads()[0], c.getPads()[1], (int64_t)c.getGroups()}));
  return success();
}

/// TFLite int8 fully connected: int32 accumulation with the input offset,
/// requantized per output channel by multiplier and shift; or float.
LogicalResult lowerFullyConnected(Layer &l) {
  auto fc = llvm::cast<nn::FullyConnectedOp>(l.op);
  if (!llvm::isa<quant::QuantizedType>(elemOf(fc.getInput()))) {
    if (failed(needF32(l, fc.getInput())))
      return failure();
    return lowerFullyConnectedF32(l, "fully_connected_f32");
  }
  if (quantizedBits(elemOf(fc.getInput())) == 16)
    return lowerFullyConnectedS16(l);
  const QuantFCFacts &f = l.facts<QuantFCFacts>();
  if (!f.valid)
    return l.op->emitError("int8 fully connected needs per-tensor signed int8 input and output");
  if (f.weightBits < 8)
    return lowerFullyConnectedLowBit(l, f.weightBits == 4 ? "fully_connected_s8_w4" : "fully_connected_s8_w2");
  KernelLowering &k = l.k;
  Value bias = fc.getBias() ? fc.getBias() : k.zeros(l.loc, f.w[0], k.builder().getIntegerType(32));
  Value out = k.result(fc.getOutput(), l.loc);
  SmallVector<Attribute> args = k.i32s({f.x[0], f.w[1], f.w[0], f.inOff, f.outOff});
  args.append({k.table(f.mult), k.table(f.shift), k.i32(f.lo), k.i32(f.hi)});
  k.call(l.loc, "fully_connected_s8", {k.get(fc.getInput()), k.get(fc.getWeight()), k.get(bias)}, {out}, args);
  return success();
}

/// Batched matmul with numpy broadcasting of the batch axes: per batch, the
/// offsets of its A and B matrices.
LogicalResult lowerMatMul(Layer &l) {
  auto m = llvm::cast<nn::MatMulOp>(l.op);
  if (!elemOf(m.getLhs()).isInteger(32) && failed(needF32(l, m.getLhs())))
    return failure();
  KernelLowering &k = l.k;
  auto a = shapeOf(m.getLhs()), bb = shapeOf(m.getRhs()), y = shapeOf(m.getOutput());
  int64_t M = a[a.size() - 2], K = a.back(), N = bb.back();
  SmallVector<int64_t> batch(y.begin(), y.end() - 2);
  SmallVector<int64_t> ab(a.begin(), a.end() - 2), bbatch(bb.begin(), bb.end() - 2);
  int64_t B = product(batch);
  SmallVector<int64_t> aoff, boff;
  auto as = broadcastStrides(ab, batch), bs = broadcastStrides(bbatch, batch);
  auto bp = pad6(batch);
  for (int64_t t = 0; t < B; ++t) {
    int64_t rem = t, ao = 0, bo = 0;
    for (int d = kMaxRank - 1; d >= 0; --d) {
      int64_t i = rem % bp[d];
      rem /= bp[d];
      ao += i * as[d];
      bo += i * bs[d];
    }
    aoff.push_back(ao * M * K);
    boff.push_back(bo * K * N);
  }
  Value out = k.result(m.getOutput(), l.loc);
  SmallVector<Attribute> args = k.i32s({B, M, K, N});
  args.append({k.table(aoff), k.table(boff)});
  k.call(l.loc, "matmul_" + typeSuffix(elemOf(m.getLhs())), {k.get(m.getLhs()), k.get(m.getRhs())}, {out}, args);
  return success();
}

} // namespace

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  r.addPortable(nn::Conv2DOp::getOperationName(), lowerConv);
  r.addPortable(nn::ConvTranspose2DOp::getOperationName(), lowerConvTranspose);
  r.addPortable(nn::FullyConnectedOp::getOperationName(), lowerFullyConnected);
  r.addPortable(nn::MatMulOp::getOperationName(), lowerMatMul);
}
