//===- DataMovement.cpp - portable copies, layout changes and casts -------===//
//
// targets/generic/kernels: data_movement.c, typed.c, quantize.c. Shapes are
// padded to 6 axes and turned into stride tables at compile time; Resize's
// taps and weights are precomputed per axis (nn::resizeAxisTaps).
//
//===----------------------------------------------------------------------===//

#include "dialects/Kernel/KernelDialect.h"
#include "emlc/Conversion/NNToKernel/KernelVariant.h"
#include "emlc/Conversion/NNToKernel/LayerFacts.h"
#include "emlc/Support/ConstantUtils.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "targets/generic/lowering/SharedLowerings.h"

using namespace mlir;
using namespace emlc;

namespace {

LogicalResult lowerTranspose(Layer &l) {
  auto t = llvm::cast<nn::TransposeOp>(l.op);
  auto x = shapeOf(t.getInput()), y = shapeOf(t.getOutput());
  auto xs = rowMajorStrides(x);
  SmallVector<int64_t> st;
  for (int64_t p : t.getPerm())
    st.push_back(xs[p]);
  return lowerStridedCopy(l, t.getInput(), t.getOutput(), y, st, 0);
}

LogicalResult lowerSlice(Layer &l) {
  auto s = llvm::cast<nn::SliceOp>(l.op);
  auto x = shapeOf(s.getInput()), y = shapeOf(s.getOutput());
  auto xs = rowMajorStrides(x);
  SmallVector<int64_t> st;
  int64_t base = 0;
  for (size_t d = 0; d < x.size(); ++d) {
    st.push_back(xs[d] * s.getSteps()[d]);
    base += s.getStarts()[d] * xs[d];
  }
  return lowerStridedCopy(l, s.getInput(), s.getOutput(), y, st, base);
}

/// Each input copied into its slice of the output, unless its producer
/// already wrote it there (KernelLowering::writtenInPlace).
LogicalResult lowerConcat(Layer &l) {
  auto c = llvm::cast<nn::ConcatOp>(l.op);
  KernelLowering &k = l.k;
  auto y = shapeOf(c.getOutput());
  int64_t axis = c.getAxis(), eb = kernel::elementBytes(storageOf(elemOf(c.getOutput())));
  int64_t outer = product(y, 0, axis), inner = product(y, axis + 1) * eb;
  std::optional<Value> placed = k.lookup(c.getOutput()); // created by a producer writing into its slice
  Value out = placed ? *placed : k.result(c.getOutput(), l.loc);
  int64_t at = 0;
  for (Value in : c.getInputs()) {
    int64_t n = shapeOf(in)[axis];
    if (!k.writtenInPlace(in))
      k.call(l.loc, "concat_part", {k.get(in)}, {out}, k.i32s({outer, n * inner, y[axis] * inner, at * inner}));
    at += n;
  }
  return success();
}

LogicalResult lowerPad(Layer &l) {
  auto p = llvm::cast<nn::PadOp>(l.op);
  KernelLowering &k = l.k;
  Type e = elemOf(p.getInput());
  if (!isTypedSuffix(typeSuffix(e)))
    return l.op->emitError("padding of ") << e << " is not supported";
  auto x = shapeOf(p.getInput()), y = shapeOf(p.getOutput());
  SmallVector<int64_t> before(p.getPads().begin(), p.getPads().begin() + x.size());
  int mode = p.getMode() == "constant" ? 0 : p.getMode() == "reflect" ? 1 : 2;
  Value out = k.result(p.getOutput(), l.loc);
  k.call(l.loc, "pad_" + typeSuffix(e), {k.get(p.getInput())}, {out},
         {k.table(pad6(x)), k.table(pad6(y)), k.table(pad6(before, 0)), k.i32(mode),
          k.typedScalar(e, p.getValue().convertToDouble())});
  return success();
}

LogicalResult lowerGather(Layer &l) {
  auto g = llvm::cast<nn::GatherOp>(l.op);
  KernelLowering &k = l.k;
  auto x = shapeOf(g.getInput());
  Type it = elemOf(g.getIndices());
  if (!it.isInteger(64) && !it.isInteger(32))
    return l.op->emitError("gather indices must be int32 or int64");
  int64_t eb = kernel::elementBytes(storageOf(elemOf(g.getInput())));
  if (eb != 1 && eb != 4 && eb != 8)
    return l.op->emitError("gather of ") << elemOf(g.getInput()) << " is not supported";
  int64_t axis = g.getAxis();
  Value out = k.result(g.getOutput(), l.loc);
  k.call(l.loc, "gather_b" + std::to_string(eb) + "_i" + std::to_string(it.getIntOrFloatBitWidth()),
         {k.get(g.getInput()), k.get(g.getIndices())}, {out},
         k.i32s({product(x, 0, axis), x[axis], product(x, axis + 1), product(shapeOf(g.getIndices()))}));
  return success();
}

LogicalResult lowerCast(Layer &l) {
  auto c = llvm::cast<nn::CastOp>(l.op);
  std::string from = typeSuffix(elemOf(c.getInput())), to = typeSuffix(elemOf(c.getOutput()));
  std::string name = "cast_" + from + "_" + to;
  bool half = name == "cast_f16_f32" || name == "cast_f32_f16";
  if (!half && (!isTypedSuffix(from) || !isTypedSuffix(to)))
    return l.op->emitError("cast from ") << elemOf(c.getInput()) << " to " << elemOf(c.getOutput())
                                         << " is not supported";
  Value out = l.k.result(c.getOutput(), l.loc);
  l.k.call(l.loc, name, {l.k.get(c.getInput())}, {out}, {l.k.i32(product(shapeOf(c.getInput())))});
  return success();
}

/// Separable resize: per axis, the taps (1 nearest, 2 linear, 4 cubic) of
/// every output index, their source indices and weights.
LogicalResult lowerResize(Layer &l) {
  auto r = llvm::cast<nn::ResizeOp>(l.op);
  if (!elemOf(r.getInput()).isF32())
    return l.op->emitError("element type ")
           << elemOf(r.getInput()) << " is not supported by this kernel (float32 only)";
  KernelLowering &k = l.k;
  auto x = pad6(shapeOf(r.getInput())), y = pad6(shapeOf(r.getOutput()));
  SmallVector<float> scales(kMaxRank - r.getScales().size(), 1.0f);
  scales.append(r.getScales().begin(), r.getScales().end());
  SmallVector<int64_t> nt, at, idx;
  SmallVector<float> w;
  for (int d = 0; d < kMaxRank; ++d) {
    at.push_back(idx.size());
    nt.push_back(nn::resizeAxisTaps(r, x[d], y[d], scales[d], idx, w));
  }
  Value out = k.result(r.getOutput(), l.loc);
  k.call(l.loc, "resize_f32", {k.get(r.getInput())}, {out},
         {k.table(x), k.table(y), k.table(nt), k.table(at), k.table(idx), k.floats(w)});
  return success();
}

/// Float <-> integer at a boundary: per tensor, or per channel of the
/// quantized axis (the data seen as outer x channels x inner).
LogicalResult lowerQuantizeCast(Layer &l) {
  bool quantize = llvm::isa<quant::QuantizeCastOp>(l.op);
  Value x = l.op->getOperand(0), y = l.op->getResult(0);
  if (quantize && llvm::isa<quant::QuantizedType>(elemOf(x)))
    return lowerRequantize(l); // between integer types: no float
  Type qt = elemOf(quantize ? y : x);
  auto shape = shapeOf(x);
  int64_t outer = product(shape), channels = 1, inner = 1;
  if (auto pa = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(qt)) {
    int64_t axis = pa.getQuantizedDimension();
    outer = product(shape, 0, axis), channels = shape[axis], inner = product(shape, axis + 1);
  }
  std::string st = typeSuffix(qt);
  std::string name = quantize ? "quantize_f32_" + st : "dequantize_" + st + "_f32";
  if (st != "i8" && st != "u8" && st != "i16" && !(st == "i32" && !quantize))
    return l.op->emitError("no kernel for ") << (quantize ? "quantizing to " : "dequantizing ") << storageOf(qt)
                                             << " (int8, uint8 and int16 only, int32 for DequantizeLinear)";
  if (!elemOf(quantize ? x : y).isF32())
    return l.op->emitError("quantization to or from ") << elemOf(quantize ? x : y) << " (float32 only)";
  Value out = l.k.result(y, l.loc);
  l.k.call(l.loc, name, {l.k.get(x)}, {out},
           {l.k.i32(outer), l.k.i32(channels), l.k.i32(inner), l.k.floats(scalesOf(qt)), l.k.table(zeroPointsOf(qt))});
  return success();
}

void copyBytes(KernelLowering &k, Location loc, Value from, Value to, int64_t bytes) {
  k.call(loc, "copy", {from}, {to}, {k.i32(bytes)});
}

} // namespace

EMLC_KERNEL_VARIANTS(VariantRegistry &r) {
  r.addPortable(nn::TransposeOp::getOperationName(), lowerTranspose);
  r.addPortable(nn::SliceOp::getOperationName(), lowerSlice);
  r.addPortable(nn::ConcatOp::getOperationName(), lowerConcat);
  r.addPortable(nn::PadOp::getOperationName(), lowerPad);
  r.addPortable(nn::GatherOp::getOperationName(), lowerGather);
  r.addPortable(nn::CastOp::getOperationName(), lowerCast);
  r.addPortable(nn::ResizeOp::getOperationName(), lowerResize);
  r.addPortable(quant::QuantizeCastOp::getOperationName(), lowerQuantizeCast);
  r.addPortable(quant::DequantizeCastOp::getOperationName(), lowerQuantizeCast);
  r.setCopy(copyBytes);
}
