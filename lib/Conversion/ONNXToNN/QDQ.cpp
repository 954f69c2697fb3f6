//===- QDQ.cpp - QuantizeLinear/DequantizeLinear graphs -> quantized nn ops ===//
//
// Runs first in emlc-convert-onnx-to-nn. A float op whose operands are all
// DequantizeLinear outputs and whose result (optionally through Relu) feeds a
// single QuantizeLinear is the float picture of one integer op, as TFLite and
// ONNX Runtime export them. It becomes the nn op on `!quant.uniform` tensors:
// integer values in, integer values out, the activation folded into the
// output clamp. Values cross between int8 storage and quantized types with
// upstream `quant.scast`. Supported so far: Gemm, 2-D Conv (incl. depthwise), Add, Softmax, and
// pass-through ops (transpose, reshape, pooling) with equal in/out parameters.
//
//===----------------------------------------------------------------------===//

#include "QDQ.h"
#include "dialects/NN/NNDialect.h"
#include "dialects/ONNX/ONNXAttrUtils.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "emlc/Support/ConstantUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include <cmath>

using namespace mlir;

namespace emlc {

Value buildONNX(IRRewriter &rw, Location loc, OperationName name, ValueRange operands, ArrayRef<NamedAttribute> attrs,
                const Twine &what, bool &ok) {
  std::string err;
  Operation *o = onnx::buildOp(rw, loc, name, operands, attrs, 1, err);
  if (!o) {
    emitError(loc) << what << ": " << err;
    ok = false;
    return {};
  }
  return o->getResult(0);
}

bool isReshapeLike(Operation *op) {
  return llvm::isa<onnx::TransposeOp, onnx::ReshapeOp, onnx::FlattenOp, onnx::SqueezeOp, onnx::UnsqueezeOp,
                   onnx::IdentityOp>(op) &&
         op->getNumResults() == 1;
}

std::optional<QParams> qparams(Operation *op) {
  QParams p;
  auto s = onnx::getConstFloats(op->getOperand(1));
  if (!s)
    return std::nullopt;
  p.scales = *s;
  if (op->getNumOperands() > 2 && !onnx::isNone(op->getOperand(2))) {
    auto z = onnx::getConstInts(op->getOperand(2));
    if (!z)
      return std::nullopt;
    p.zeroPoints = *z;
  } else {
    p.zeroPoints.assign(p.scales.size(), 0);
  }
  if (auto q = llvm::dyn_cast<onnx::QuantizeLinearOp>(op))
    p.axis = q.getAxis();
  else
    p.axis = llvm::cast<onnx::DequantizeLinearOp>(op).getAxis();
  return p;
}

Type quantType(Type storage, const QParams &p, int64_t rank) {
  auto it = llvm::cast<IntegerType>(storage);
  bool isSigned = !it.isUnsigned();
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  Type storageType = IntegerType::get(storage.getContext(), it.getWidth());
  int64_t lo = isSigned ? -(1ll << (it.getWidth() - 1)) : 0;
  int64_t hi = isSigned ? (1ll << (it.getWidth() - 1)) - 1 : (1ll << it.getWidth()) - 1;
  Type f32 = Float32Type::get(storage.getContext());
  if (p.scales.size() == 1)
    return quant::UniformQuantizedType::get(flags, storageType, f32, p.scales[0], p.zeroPoints[0], lo, hi);
  std::vector<int64_t> zps = p.zeroPoints;
  if (zps.size() == 1)
    zps.assign(p.scales.size(), zps[0]);
  return quant::UniformQuantizedPerAxisType::get(flags, storageType, f32, p.scales, zps,
                                                 onnx::normalizeAxis(p.axis, rank), lo, hi);
}

namespace {

/// `v` (integer storage) seen as a tensor of quantized type `q`.
Value toQuant(IRRewriter &rw, Location loc, Value v, Type q) {
  auto t = llvm::cast<RankedTensorType>(v.getType());
  return rw.create<quant::StorageCastOp>(loc, RankedTensorType::get(t.getShape(), q), v);
}

/// A Relu, or a Clip with constant bounds, between a float op and its
/// QuantizeLinear: the real range it clamps the output to.
struct Activation {
  Operation *op;
  double lo, hi;
};
std::optional<Activation> activationOf(Operation *op) {
  if (!op || !op->getResult(0).hasOneUse())
    return std::nullopt;
  if (llvm::isa<onnx::ReluOp>(op))
    return Activation{op, 0.0, INFINITY};
  if (!llvm::isa<onnx::ClipOp>(op))
    return std::nullopt;
  Activation a{op, -INFINITY, INFINITY};
  for (unsigned i = 1; i < 3 && i < op->getNumOperands(); ++i) {
    if (onnx::isNone(op->getOperand(i)))
      continue;
    auto v = onnx::getConstFloats(op->getOperand(i));
    if (!v || v->size() != 1)
      return std::nullopt; // a bound computed at run time: not a clamp of the integers
    (i == 1 ? a.lo : a.hi) = (*v)[0];
  }
  return a;
}

/// TFLite's quantized activation range (CalculateActivationRangeQuantized):
/// the real bounds on the output grid, zero point + round(bound / scale),
/// within the storage range [qmin, qmax]. ReLU: [zero point, qmax].
std::pair<int64_t, int64_t> activationRange(const Activation &act, float scale, int64_t zeroPoint, int64_t qmin,
                                            int64_t qmax) {
  auto onGrid = [&](double f, int64_t none) {
    return std::isinf(f) ? none : zeroPoint + (int64_t)std::round((float)f / scale);
  };
  return {std::max(qmin, onGrid(act.lo, qmin)), std::min(qmax, onGrid(act.hi, qmax))};
}

/// The output clamp of a fused op: its activation's range, or no clamp.
std::pair<FloatAttr, FloatAttr> activationClamp(IRRewriter &rw, const std::optional<Activation> &act,
                                                const QParams &out, Type outQ) {
  if (!act)
    return {};
  auto q = llvm::cast<quant::QuantizedType>(outQ);
  auto [lo, hi] =
      activationRange(*act, (float)out.scales[0], out.zeroPoints[0], q.getStorageTypeMin(), q.getStorageTypeMax());
  return {rw.getF32FloatAttr((float)lo), rw.getF32FloatAttr((float)hi)};
}

/// Replaces the QuantizeLinear `q` by the integer storage of the quantized `v`.
void replaceQuantize(IRRewriter &rw, Operation *q, Value v) {
  q->getResult(0).replaceAllUsesWith(rw.create<quant::StorageCastOp>(q->getLoc(), q->getResult(0).getType(), v));
}

/// The integer operand behind a DequantizeLinear with constant parameters.
struct Dequantized {
  Operation *dq;
  Value storage;
  QParams params;
};
std::optional<Dequantized> dequantized(Value v) {
  auto dq = v.getDefiningOp<onnx::DequantizeLinearOp>();
  if (!dq)
    return std::nullopt;
  auto p = qparams(dq);
  if (!p)
    return std::nullopt;
  return Dequantized{dq, dq->getOperand(0), *p};
}

/// The integer kernels take symmetric weights (zero point 0, as TFLite's):
/// weights with a zero point z become w - z when that fits the storage type
/// (true for every TFLite/PyTorch int8 export); otherwise no fusion.
std::optional<DenseElementsAttr> symmetricWeights(DenseElementsAttr w, QParams &p, int64_t axis) {
  if (llvm::all_of(p.zeroPoints, [](int64_t z) { return z == 0; }))
    return w;
  auto it = llvm::dyn_cast<IntegerType>(w.getElementType());
  if (!it || it.getWidth() != 8 || it.isUnsigned())
    return std::nullopt;
  auto shape = w.getType().getShape();
  int64_t inner = 1;
  for (size_t i = axis + 1; i < shape.size(); ++i)
    inner *= shape[i];
  SmallVector<APInt> vals;
  int64_t i = 0;
  for (const APInt &x : w.getValues<APInt>()) {
    int64_t z = p.zeroPoints.size() == 1 ? p.zeroPoints[0] : p.zeroPoints[(i++ / inner) % shape[axis]];
    int64_t v = x.getSExtValue() - z;
    if (v < -128 || v > 127)
      return std::nullopt;
    vals.push_back(APInt(8, (uint64_t)v, /*isSigned=*/true));
  }
  std::fill(p.zeroPoints.begin(), p.zeroPoints.end(), 0);
  return DenseElementsAttr::get(w.getType(), vals);
}

/// Q(Relu|Clip?(Gemm|MatMul(DQ(x), DQ(w), DQ(b)?))) -> quantized nn.fully_connected.
LogicalResult fuseGemm(IRRewriter &rw, Operation *q, Operation *gemm, const std::optional<Activation> &act) {
  auto x = dequantized(gemm->getOperand(0)), w = dequantized(gemm->getOperand(1));
  if (!x || !w || !onnx::getConstant(w->storage))
    return failure();
  bool transB = false; // MatMul: x[M, K] * w[K, N]
  if (auto g = llvm::dyn_cast<onnx::GemmOp>(gemm)) {
    if (g.getTransA() || g.getAlpha() != 1.0f || g.getBeta() != 1.0f)
      return failure();
    transB = g.getTransB() != 0;
  }
  std::optional<Dequantized> b;
  if (gemm->getNumOperands() > 2 && !onnx::isNone(gemm->getOperand(2))) {
    b = dequantized(gemm->getOperand(2));
    if (!b || !onnx::getConstant(b->storage))
      return failure();
  }
  auto out = qparams(q);
  if (!out || out->scales.size() != 1 || x->params.scales.size() != 1)
    return failure();
  Location loc = gemm->getLoc();
  rw.setInsertionPoint(q);
  // Weight [N, K] (one row per output), as a quantized constant.
  DenseElementsAttr wc = onnx::getConstant(w->storage);
  QParams wp = w->params;
  auto sym = symmetricWeights(wc, wp, transB ? 0 : 1);
  if (!sym)
    return failure();
  wc = transB ? *sym : transposeConstant(*sym, {1, 0});
  wp.axis = 0; // per output row after the transpose
  Value wv = rw.create<arith::ConstantOp>(loc, wc);
  Value wq = toQuant(rw, loc, wv, quantType(wc.getElementType(), wp, 2));
  Value xq = toQuant(rw, loc, x->storage,
                     quantType(llvm::cast<ShapedType>(x->storage.getType()).getElementType(), x->params, 2));
  Value bias;
  if (b) {
    DenseElementsAttr bc = onnx::getConstant(b->storage);
    int64_t n = wc.getType().getDimSize(0);
    if (bc.getNumElements() != n)
      return failure();
    bias = rw.create<arith::ConstantOp>(loc, bc.reshape(RankedTensorType::get({n}, bc.getElementType())));
  }
  auto qt = llvm::cast<RankedTensorType>(q->getResult(0).getType());
  Type outQ = quantType(qt.getElementType(), *out, 2);
  auto resultType = RankedTensorType::get(qt.getShape(), outQ);
  auto [lo, hi] = activationClamp(rw, act, *out, outQ);
  replaceQuantize(rw, q, rw.create<nn::FullyConnectedOp>(loc, resultType, xq, wq, bias, lo, hi));
  return success();
}
/// Q(Relu|Clip?(Conv(DQ(x), DQ(w), DQ(b)?))) -> quantized nn.conv2d (2-D only).
LogicalResult fuseConv(IRRewriter &rw, Operation *q, onnx::ConvOp conv, const std::optional<Activation> &act) {
  auto x = dequantized(conv->getOperand(0)), w = dequantized(conv->getOperand(1));
  if (!x || !w || !onnx::getConstant(w->storage) || x->params.scales.size() != 1)
    return failure();
  auto xs = llvm::cast<RankedTensorType>(x->storage.getType()).getShape();
  auto wt = llvm::cast<RankedTensorType>(w->storage.getType());
  if (xs.size() != 4)
    return failure();
  std::optional<Dequantized> b;
  if (conv->getNumOperands() > 2 && !onnx::isNone(conv->getOperand(2))) {
    b = dequantized(conv->getOperand(2));
    if (!b || !onnx::getConstant(b->storage))
      return failure();
  }
  auto out = qparams(q);
  if (!out || out->scales.size() != 1)
    return failure();
  onnx::WindowGeometry g;
  if (!onnx::resolveWindow(onnx::windowAttrs(conv), xs.drop_front(2), wt.getShape().drop_front(2), g, false).empty())
    return failure();
  Location loc = conv->getLoc();
  rw.setInsertionPoint(q);
  QParams wp = w->params;
  wp.axis = 0; // per output channel
  auto sym = symmetricWeights(onnx::getConstant(w->storage), wp, 0);
  if (!sym)
    return failure();
  Value wv = rw.create<arith::ConstantOp>(loc, *sym);
  Value wq = toQuant(rw, loc, wv, quantType(wt.getElementType(), wp, 4));
  Value xq = toQuant(rw, loc, x->storage,
                     quantType(llvm::cast<ShapedType>(x->storage.getType()).getElementType(), x->params, 4));
  Value bias;
  if (b)
    bias = rw.create<arith::ConstantOp>(loc, onnx::getConstant(b->storage));
  auto qt = llvm::cast<RankedTensorType>(q->getResult(0).getType());
  Type outQ = quantType(qt.getElementType(), *out, 4);
  auto [lo, hi] = activationClamp(rw, act, *out, outQ);
  Value c =
      rw.create<nn::Conv2DOp>(loc, RankedTensorType::get(qt.getShape(), outQ), xq, wq, bias,
                              rw.getDenseI64ArrayAttr(g.strides), rw.getDenseI64ArrayAttr(g.dilations),
                              rw.getDenseI64ArrayAttr({g.padsBegin[0], g.padsBegin[1], g.padsEnd[0], g.padsEnd[1]}),
                              rw.getI64IntegerAttr(conv.getGroup()), lo, hi);
  replaceQuantize(rw, q, c);
  return success();
}

/// Q(Relu|Clip?(Add|Mul(DQ(a), DQ(b)))) of equal shapes -> quantized nn.binary add|mul.
LogicalResult fuseBinary(IRRewriter &rw, Operation *q, Operation *add, const std::optional<Activation> &act,
                         nn::BinaryKind kind) {
  auto a = dequantized(add->getOperand(0)), b = dequantized(add->getOperand(1));
  auto out = qparams(q);
  if (!a || !b || !out || a->params.scales.size() != 1 || b->params.scales.size() != 1 || out->scales.size() != 1)
    return failure();
  auto at = llvm::cast<RankedTensorType>(a->storage.getType()), bt = llvm::cast<RankedTensorType>(b->storage.getType());
  auto qt = llvm::cast<RankedTensorType>(q->getResult(0).getType());
  if (at.getShape() != bt.getShape() || at.getShape() != qt.getShape())
    return failure(); // broadcasting int8 add: not yet
  Location loc = add->getLoc();
  rw.setInsertionPoint(q);
  int64_t rank = at.getRank();
  Value aq = toQuant(rw, loc, a->storage, quantType(at.getElementType(), a->params, rank));
  Value bq = toQuant(rw, loc, b->storage, quantType(bt.getElementType(), b->params, rank));
  Type outQ = quantType(qt.getElementType(), *out, rank);
  auto [lo, hi] = activationClamp(rw, act, *out, outQ);
  replaceQuantize(rw, q,
                  rw.create<nn::BinaryOp>(loc, RankedTensorType::get(qt.getShape(), outQ),
                                          nn::BinaryKindAttr::get(rw.getContext(), kind), aq, bq, lo, hi));
  return success();
}

/// Q(Softmax(DQ(x))) over the last axis -> quantized nn.softmax (TFLite's int8
/// softmax: output scale 1/256, zero point -128).
LogicalResult fuseSoftmax(IRRewriter &rw, Operation *q, onnx::SoftmaxOp sm) {
  auto x = dequantized(sm->getOperand(0));
  auto out = qparams(q);
  auto xt = llvm::cast<RankedTensorType>(sm->getOperand(0).getType());
  int64_t axis = onnx::normalizeAxis(sm.getAxis(), xt.getRank());
  if (!x || !out || x->params.scales.size() != 1 || out->scales.size() != 1 || axis != xt.getRank() - 1 ||
      (float)out->scales[0] != 1.0f / 256 || out->zeroPoints[0] != -128)
    return failure();
  Location loc = sm->getLoc();
  rw.setInsertionPoint(q);
  auto st = llvm::cast<RankedTensorType>(x->storage.getType());
  Value xq = toQuant(rw, loc, x->storage, quantType(st.getElementType(), x->params, st.getRank()));
  auto qt = llvm::cast<RankedTensorType>(q->getResult(0).getType());
  Type outQ = quantType(qt.getElementType(), *out, qt.getRank());
  replaceQuantize(rw, q,
                  rw.create<nn::SoftmaxOp>(loc, RankedTensorType::get(qt.getShape(), outQ), xq,
                                           rw.getI64IntegerAttr(axis), rw.getBoolAttr(false)));
  return success();
}

/// Q(Sigmoid|Tanh(DQ(x))) on TFLite's output grid (1/256 and -128, or 1/128
/// and 0) -> quantized nn.unary (TFLite's fixed-point Logistic / Tanh).
LogicalResult fuseSigmoidTanh(IRRewriter &rw, Operation *q, Operation *op, nn::UnaryKind kind) {
  auto x = dequantized(op->getOperand(0));
  auto out = qparams(q);
  bool sig = kind == nn::UnaryKind::sigmoid;
  if (!x || !out || x->params.scales.size() != 1 || out->scales.size() != 1 ||
      (float)out->scales[0] != (sig ? 1.0f / 256 : 1.0f / 128) || out->zeroPoints[0] != (sig ? -128 : 0))
    return failure();
  auto st = llvm::cast<RankedTensorType>(x->storage.getType());
  auto qt = llvm::cast<RankedTensorType>(q->getResult(0).getType());
  if (!st.getElementType().isSignlessInteger(8) || !qt.getElementType().isSignlessInteger(8))
    return failure();
  Location loc = op->getLoc();
  rw.setInsertionPoint(q);
  Value xq = toQuant(rw, loc, x->storage, quantType(st.getElementType(), x->params, st.getRank()));
  Type outQ = quantType(qt.getElementType(), *out, qt.getRank());
  replaceQuantize(rw, q,
                  rw.create<nn::UnaryOp>(loc, RankedTensorType::get(qt.getShape(), outQ),
                                         nn::UnaryKindAttr::get(rw.getContext(), kind), xq, rw.getF32FloatAttr(0),
                                         rw.getF32FloatAttr(0)));
  return success();
}

/// Q(Concat(DQ(a), DQ(b), ...)) where every input and the output share one
/// grid: a Concat of the integers.
LogicalResult fuseConcat(IRRewriter &rw, Operation *q, Operation *concat) {
  auto out = qparams(q);
  if (!out || out->scales.size() != 1)
    return failure();
  SmallVector<Value> ins;
  for (Value v : concat->getOperands()) {
    auto d = dequantized(v);
    if (!d || d->params.scales != out->scales || d->params.zeroPoints != out->zeroPoints)
      return failure();
    ins.push_back(d->storage);
  }
  auto qt = llvm::cast<RankedTensorType>(q->getResult(0).getType());
  Type outQ = quantType(qt.getElementType(), *out, qt.getRank());
  rw.setInsertionPoint(concat);
  for (auto [i, v] : llvm::enumerate(ins))
    concat->setOperand(i, toQuant(rw, concat->getLoc(), v, outQ));
  concat->getResult(0).setType(RankedTensorType::get(qt.getShape(), outQ));
  rw.setInsertionPoint(q);
  replaceQuantize(rw, q, concat->getResult(0));
  return success();
}

/// Ops that compute on quantized values directly when their input and output
/// quantization are the same: data movement, max pooling, and (with TFLite's
/// rounding) average pooling.
bool isPassThrough(Operation *op) {
  if (llvm::isa<onnx::PadOp>(op)) { // PyTorch's AvgPool export: Pad(0) + AveragePool
    auto pads = onnx::getConstInts(op->getOperand(1));
    return pads && llvm::all_of(*pads, [](int64_t p) { return p == 0; });
  }
  return isReshapeLike(op) ||
         (llvm::isa<onnx::MaxPoolOp, onnx::AveragePoolOp, onnx::GlobalAveragePoolOp, onnx::GlobalMaxPoolOp>(op) &&
          op->getNumResults() == 1);
}

/// Q(T1(T2(...DQ(x)))) with pass-through ops and equal parameters: the ops are
/// retyped to the quantized type and then lowered like float ones.
LogicalResult retypeChain(IRRewriter &rw, Operation *q) {
  SmallVector<Operation *> chain;
  Value v = q->getOperand(0);
  std::optional<Dequantized> src;
  while (Operation *op = v.getDefiningOp()) {
    if ((src = dequantized(v)))
      break;
    if (!isPassThrough(op) || !op->getResult(0).hasOneUse())
      return failure();
    chain.push_back(op);
    v = op->getOperand(0);
  }
  auto out = qparams(q);
  if (!src || chain.empty() || !out || src->params.scales != out->scales || src->params.zeroPoints != out->zeroPoints ||
      out->scales.size() != 1)
    return failure();
  Type storage = llvm::cast<ShapedType>(src->storage.getType()).getElementType();
  Type qtElem = quantType(storage, *out, 1);
  Operation *firstOp = chain.back();
  rw.setInsertionPoint(firstOp);
  firstOp->setOperand(0, toQuant(rw, firstOp->getLoc(), src->storage, qtElem));
  for (Operation *op : chain) {
    auto t = llvm::cast<RankedTensorType>(op->getResult(0).getType());
    op->getResult(0).setType(RankedTensorType::get(t.getShape(), qtElem));
  }
  rw.setInsertionPoint(q);
  replaceQuantize(rw, q, chain.front()->getResult(0));
  return success();
}
/// Q(Relu|Clip(DQ(x))) with equal parameters: the activation on the integers
/// is a clamp (ReLU: to [zero point, 127]; PyTorch puts Clip(0, 6) between
/// Q/DQ pairs like this around every ReLU6), which emlc-fuse-activations then
/// folds into the producer's output clamp.
LogicalResult fuseActivation(IRRewriter &rw, Operation *q, const Activation &act) {
  auto x = dequantized(act.op->getOperand(0));
  auto out = qparams(q);
  if (!x || !out || out->scales.size() != 1 || x->params.scales != out->scales ||
      x->params.zeroPoints != out->zeroPoints || x->storage.getType() != q->getResult(0).getType())
    return failure();
  auto st = llvm::cast<IntegerType>(llvm::cast<RankedTensorType>(x->storage.getType()).getElementType());
  if (st.getWidth() != 8 || st.isUnsigned())
    return failure();
  auto [lo, hi] = activationRange(act, (float)out->scales[0], out->zeroPoints[0], -128, 127);
  rw.setInsertionPoint(q);
  Value y = rw.create<nn::UnaryOp>(q->getLoc(), x->storage.getType(),
                                   nn::UnaryKindAttr::get(rw.getContext(), nn::UnaryKind::clip), x->storage,
                                   rw.getF32FloatAttr((float)lo), rw.getF32FloatAttr((float)hi));
  q->getResult(0).replaceAllUsesWith(y);
  return success();
}
} // namespace

LogicalResult fuseQDQ(ModuleOp module, IRRewriter &rw) {
  SmallVector<Operation *> quantizes;
  module.walk([&](onnx::QuantizeLinearOp op) { quantizes.push_back(op); });
  for (Operation *q : quantizes) {
    Operation *src = q->getOperand(0).getDefiningOp();
    std::optional<Activation> act = activationOf(src);
    if (act)
      src = src->getOperand(0).getDefiningOp();
    if (!act && succeeded(retypeChain(rw, q))) {
      q->erase();
      continue;
    }
    if (act && llvm::isa_and_nonnull<onnx::DequantizeLinearOp>(src)) {
      if (succeeded(fuseActivation(rw, q, *act))) {
        q->erase();
        act->op->erase();
      }
      continue;
    }
    if (!src || !src->getResult(0).hasOneUse())
      continue;
    auto rank2 = [](Value v) { return llvm::cast<RankedTensorType>(v.getType()).getRank() == 2; };
    if (llvm::isa<onnx::ConcatOp>(src) && !act) { // retyped in place: the concat stays
      if (succeeded(fuseConcat(rw, q, src)))
        q->erase();
      continue;
    }
    auto conv = llvm::dyn_cast<onnx::ConvOp>(src);
    auto softmax = llvm::dyn_cast<onnx::SoftmaxOp>(src);
    if ((llvm::isa<onnx::GemmOp>(src) && succeeded(fuseGemm(rw, q, src, act))) ||
        (llvm::isa<onnx::MatMulOp>(src) && rank2(src->getOperand(0)) && rank2(src->getOperand(1)) &&
         succeeded(fuseGemm(rw, q, src, act))) ||
        (conv && succeeded(fuseConv(rw, q, conv, act))) ||
        (llvm::isa<onnx::AddOp>(src) && succeeded(fuseBinary(rw, q, src, act, nn::BinaryKind::add))) ||
        (llvm::isa<onnx::MulOp>(src) && succeeded(fuseBinary(rw, q, src, act, nn::BinaryKind::mul))) ||
        (llvm::isa<onnx::SigmoidOp>(src) && !act && succeeded(fuseSigmoidTanh(rw, q, src, nn::UnaryKind::sigmoid))) ||
        (llvm::isa<onnx::TanhOp>(src) && !act && succeeded(fuseSigmoidTanh(rw, q, src, nn::UnaryKind::tanh))) ||
        (softmax && !act && succeeded(fuseSoftmax(rw, q, softmax)))) {
      q->erase();
      if (act)
        act->op->erase();
      src->erase();
    }
  }
  // DequantizeLinear(QuantizeLinear-replacement) chains: a DQ whose input is
  // now an integer value produced by a fused op stays for its float users.
  // Dead DequantizeLinear ops go away.
  SmallVector<Operation *> dead;
  module.walk([&](onnx::DequantizeLinearOp op) {
    if (op->use_empty())
      dead.push_back(op);
  });
  for (Operation *op : dead)
    op->erase();
  return success();
}

} // namespace emlc
