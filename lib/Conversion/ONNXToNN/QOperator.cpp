//===- QOperator.cpp - QOperator graphs -> QDQ form -----------------------===//
//
// Runs before the QDQ fusion. ONNX has two ways to write an int8 layer: QDQ
// (DequantizeLinear -> float op -> QuantizeLinear) and QOperator (QLinearConv,
// QLinearMatMul, and the MatMulInteger -> Add(int32 bias) -> Cast -> Mul(scale)
// chain that tf2onnx writes for a TFLite FullyConnected). The QOperator forms
// are rewritten into the QDQ form here, so one fusion (QDQ.cpp) and one set of
// integer kernels serve both; what the fusion cannot match then still runs,
// through the float fallback of stand-alone Quantize/DequantizeLinear.
//
//===----------------------------------------------------------------------===//

#include "QDQ.h"
#include "dialects/ONNX/ONNXAttrUtils.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace emlc {
namespace {

struct Builder {
  IRRewriter &rw;
  Operation *anchor; ///< the op being expanded: location and error reports
  bool ok = true;

  template <typename OpT> Value op(ValueRange operands, ArrayRef<NamedAttribute> attrs = {}) {
    return buildONNX<OpT>(rw, anchor->getLoc(), operands, attrs,
                          "cannot expand into " + onnx::onnxOpTypeFor(OpT::getOperationName().drop_front(5)), ok);
  }
  Value dequantize(Value x, Value scale, Value zp, int64_t axis) {
    SmallVector<Value> in{x, scale};
    if (!onnx::isNone(zp))
      in.push_back(zp);
    return op<onnx::DequantizeLinearOp>(in, {rw.getNamedAttr("axis", rw.getI64IntegerAttr(axis))});
  }
  Value constant(Type elem, ArrayRef<int64_t> shape, ArrayRef<double> values) {
    auto t = RankedTensorType::get(shape, elem);
    SmallVector<Attribute> attrs;
    for (double v : values)
      attrs.push_back(llvm::isa<FloatType>(elem) ? Attribute(rw.getFloatAttr(elem, v))
                                                 : Attribute(rw.getIntegerAttr(elem, (int64_t)v)));
    return rw.create<arith::ConstantOp>(anchor->getLoc(), DenseElementsAttr::get(t, attrs));
  }
};

int64_t rankOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()).getRank(); }

/// The float scale of integer value `v`, read from the QuantizeLinear that
/// produced it (through data-movement ops), if there is one.
std::optional<float> producerScale(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (llvm::isa<onnx::QuantizeLinearOp>(def)) {
      auto s = onnx::getConstFloats(def->getOperand(1));
      return s && s->size() == 1 ? std::optional<float>((float)(*s)[0]) : std::nullopt;
    }
    if (!isReshapeLike(def))
      return std::nullopt;
    v = def->getOperand(0);
  }
  return std::nullopt;
}

/// QLinearConv(x, xs, xz, w, ws, wz, ys, yz, B?) ->
///   Q(Conv(DQ(x), DQ(w, axis 0), DQ(B, xs*ws)), ys, yz).
void expandQLinearConv(Builder &b, Operation *op) {
  auto in = [&](unsigned i) { return i < op->getNumOperands() ? op->getOperand(i) : Value(); };
  Value x = b.dequantize(in(0), in(1), in(2), 1);
  Value w = b.dequantize(in(3), in(4), in(5), 0);
  SmallVector<Value> conv{x, w};
  if (!onnx::isNone(in(8))) {
    // The bias is int32 in units of xs * ws (per output channel).
    auto xs = onnx::getConstFloats(in(1)), ws = onnx::getConstFloats(in(4));
    if (!xs || !ws || xs->size() != 1) {
      op->emitError("QLinearConv with a bias needs constant per-tensor x_scale and constant w_scale");
      b.ok = false;
      return;
    }
    std::vector<double> bs;
    for (double s : *ws)
      bs.push_back((double)((float)(*xs)[0] * (float)s));
    int64_t n = (int64_t)bs.size();
    Value scale = b.constant(b.rw.getF32Type(), {n}, bs);
    Value zp = b.constant(b.rw.getI32Type(), {n}, std::vector<double>(n, 0.0));
    conv.push_back(b.dequantize(in(8), scale, zp, 0));
  }
  SmallVector<NamedAttribute> attrs(op->getAttrs());
  Value y = b.ok ? b.op<onnx::ConvOp>(conv, attrs) : Value();
  Value q = b.ok ? b.op<onnx::QuantizeLinearOp>({y, in(6), in(7)}) : Value();
  if (b.ok)
    op->getResult(0).replaceAllUsesWith(q);
}

/// QLinearMatMul(a, as, az, b, bs, bz, ys, yz) ->
///   Q(MatMul(DQ(a, per row), DQ(b, per column)), ys, yz).
void expandQLinearMatMul(Builder &b, Operation *op) {
  auto in = [&](unsigned i) { return op->getOperand(i); };
  Value a = b.dequantize(in(0), in(1), in(2), std::max<int64_t>(rankOf(in(0)) - 2, 0));
  Value m = b.dequantize(in(3), in(4), in(5), rankOf(in(3)) - 1);
  Value y = b.ok ? b.op<onnx::MatMulOp>({a, m}) : Value();
  Value q = b.ok ? b.op<onnx::QuantizeLinearOp>({y, in(6), in(7)}) : Value();
  if (b.ok)
    op->getResult(0).replaceAllUsesWith(q);
}

/// The single user of `v` if it is an OpT.
template <typename OpT> OpT soleUser(Value v) {
  return v.hasOneUse() ? llvm::dyn_cast<OpT>(*v.getUsers().begin()) : OpT();
}

/// tf2onnx's TFLite FullyConnected:
///   Mul(Cast<float>(Add(MatMulInteger(x, w, xz, wz), bias)), acc_scale)
/// with acc_scale = xs * ws (float) -> Gemm(DQ(x, xs, xz), DQ(w, ws, wz), DQ(bias, acc_scale)).
/// xs comes from the QuantizeLinear that produced x; where none does, xs = 1
/// and ws = acc_scale (only the product matters to the requantization).
void expandFullyConnected(Builder &b, Operation *mm) {
  Value x = mm->getOperand(0), w = mm->getOperand(1);
  if (rankOf(x) != 2 || rankOf(w) != 2 || !onnx::getConstant(w))
    return;
  int64_t n = llvm::cast<RankedTensorType>(w.getType()).getDimSize(1);
  Value acc = mm->getResult(0), bias;
  Operation *add = soleUser<onnx::AddOp>(acc);
  if (add) {
    bias = add->getOperand(0) == acc ? add->getOperand(1) : add->getOperand(0);
    auto bc = onnx::getConstant(bias);
    if (!bc || bc.getNumElements() != n || !bc.getElementType().isInteger(32))
      return;
    acc = add->getResult(0);
  }
  Operation *cast = soleUser<onnx::CastOp>(acc);
  if (!cast || !llvm::cast<RankedTensorType>(cast->getResult(0).getType()).getElementType().isF32())
    return;
  Operation *mul = soleUser<onnx::MulOp>(cast->getResult(0));
  if (!mul)
    return;
  Value scaleV = mul->getOperand(0) == cast->getResult(0) ? mul->getOperand(1) : mul->getOperand(0);
  auto accScale = onnx::getConstFloats(scaleV);
  if (!accScale || (accScale->size() != 1 && (int64_t)accScale->size() != n))
    return;
  float xs = producerScale(x).value_or(1.0f);
  std::vector<double> ws, bs;
  for (double a : *accScale) {
    float s = (float)a / xs;
    if (xs * s != (float)a) // the product must give back the converter's value exactly
      xs = 1.0f, s = (float)a;
    ws.push_back(s), bs.push_back(a);
  }
  if (xs == 1.0f) // a fallback on any channel applies to all
    ws.assign(bs.begin(), bs.end());
  b.rw.setInsertionPoint(mul);
  int64_t ns = (int64_t)ws.size();
  auto operandOr = [&](unsigned i) { return i < mm->getNumOperands() ? mm->getOperand(i) : Value(); };
  Value dx = b.dequantize(x, b.constant(b.rw.getF32Type(), {}, {xs}), operandOr(2), 1);
  Value dw = b.dequantize(w, b.constant(b.rw.getF32Type(), {ns}, ws), operandOr(3), 1);
  SmallVector<Value> gemm{dx, dw};
  if (bias)
    gemm.push_back(b.dequantize(bias, b.constant(b.rw.getF32Type(), {ns}, bs),
                                b.constant(b.rw.getI32Type(), {ns}, std::vector<double>(ns, 0.0)), 0));
  if (!b.ok)
    return;
  Value y = b.op<onnx::GemmOp>(gemm);
  if (!b.ok)
    return;
  mul->getResult(0).replaceAllUsesWith(y);
  mul->erase();
  cast->erase();
  if (add)
    add->erase();
  mm->erase();
}
} // namespace

LogicalResult expandQOperators(ModuleOp module, IRRewriter &rw) {
  SmallVector<Operation *> qlinear, integer;
  module.walk([&](Operation *op) {
    if (llvm::isa<onnx::QLinearConvOp, onnx::QLinearMatMulOp>(op))
      qlinear.push_back(op);
    else if (llvm::isa<onnx::MatMulIntegerOp>(op))
      integer.push_back(op);
  });
  bool ok = true;
  for (Operation *op : qlinear) {
    Builder b{rw, op};
    rw.setInsertionPoint(op);
    if (llvm::isa<onnx::QLinearConvOp>(op))
      expandQLinearConv(b, op);
    else
      expandQLinearMatMul(b, op);
    ok &= b.ok;
    if (b.ok)
      op->erase();
  }
  // After the QLinear ops: their QuantizeLinear outputs give the input scales.
  for (Operation *op : integer) {
    Builder b{rw, op};
    expandFullyConnected(b, op);
    ok &= b.ok;
  }
  return success(ok);
}

} // namespace emlc
