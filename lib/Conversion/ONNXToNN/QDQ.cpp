//===- QDQ.cpp - QuantizeLinear/DequantizeLinear graphs -> quantized nn ops ===//
//
// Runs first in emlc-convert-onnx-to-nn. A float op whose operands are all
// DequantizeLinear outputs and whose result (optionally through Relu) feeds a
// single QuantizeLinear is the float picture of one integer op, as TFLite and
// ONNX Runtime export them. It becomes the nn op on `!quant.uniform` tensors:
// integer values in, integer values out, the activation folded into the
// output clamp. Values cross between int8 storage and quantized types with
// upstream `quant.scast`. Supported so far: Gemm (fully connected).
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

using namespace mlir;

namespace emlc {
namespace {

/// Scale(s) and zero point(s) of a DequantizeLinear/QuantizeLinear, if constant.
struct QParams {
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  int64_t axis = 1;
};

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
  p.axis = onnx::getIntAttr(op->getAttrDictionary(), "axis", 1);
  return p;
}

/// The quantized element type for int8/uint8 storage `storage` with params `p`
/// (per axis `axis` of a tensor of rank `rank` when there are several scales).
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

/// `v` (integer storage) seen as a tensor of quantized type `q`.
Value toQuant(IRRewriter &rw, Location loc, Value v, Type q) {
  auto t = llvm::cast<RankedTensorType>(v.getType());
  return rw.create<quant::StorageCastOp>(loc, RankedTensorType::get(t.getShape(), q), v);
}

/// The integer operand behind a DequantizeLinear with constant parameters.
struct Dequantized {
  Operation *dq;
  Value storage;
  QParams params;
};
std::optional<Dequantized> dequantized(Value v) {
  Operation *dq = v.getDefiningOp();
  if (!dq || dq->getName().getStringRef() != "onnx.dequantize_linear")
    return std::nullopt;
  auto p = qparams(dq);
  if (!p)
    return std::nullopt;
  return Dequantized{dq, dq->getOperand(0), *p};
}

/// Q(Relu?(Gemm(DQ(x), DQ(w), DQ(b)?))) -> quantized nn.fully_connected.
LogicalResult fuseGemm(IRRewriter &rw, Operation *q, Operation *gemm, bool relu) {
  auto x = dequantized(gemm->getOperand(0)), w = dequantized(gemm->getOperand(1));
  if (!x || !w || !onnx::getConstant(w->storage))
    return failure();
  DictionaryAttr attrs = gemm->getAttrDictionary();
  if (onnx::getIntAttr(attrs, "transA", 0) || onnx::getFloatAttr(attrs, "alpha", 1.0) != 1.0 ||
      onnx::getFloatAttr(attrs, "beta", 1.0) != 1.0)
    return failure();
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
  if (!onnx::getIntAttr(attrs, "transB", 0))
    wc = transposeConstant(wc, {1, 0});
  QParams wp = w->params;
  wp.axis = 0; // per output row after the transpose
  Value wv = rw.create<arith::ConstantOp>(loc, wc);
  Value wq = toQuant(rw, loc, wv, quantType(wc.getElementType(), wp, 2));
  Value xq = toQuant(rw, loc, x->storage, quantType(llvm::cast<ShapedType>(x->storage.getType()).getElementType(),
                                                    x->params, 2));
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
  FloatAttr lo, hi;
  if (relu) { // TFLite's quantized ReLU range: [zero point, storage max]
    lo = rw.getF32FloatAttr((float)out->zeroPoints[0]);
    hi = rw.getF32FloatAttr((float)llvm::cast<quant::QuantizedType>(outQ).getStorageTypeMax());
  }
  Value fc = rw.create<nn::FullyConnectedOp>(loc, resultType, xq, wq, bias, lo, hi);
  Value back = rw.create<quant::StorageCastOp>(loc, qt, fc);
  q->getResult(0).replaceAllUsesWith(back);
  return success();
}
} // namespace

LogicalResult fuseQDQ(ModuleOp module, IRRewriter &rw) {
  SmallVector<Operation *> quantizes;
  module.walk([&](Operation *op) {
    if (op->getName().getStringRef() == "onnx.quantize_linear")
      quantizes.push_back(op);
  });
  for (Operation *q : quantizes) {
    Operation *src = q->getOperand(0).getDefiningOp();
    bool relu = false;
    if (src && src->getName().getStringRef() == "onnx.relu" && src->getResult(0).hasOneUse()) {
      relu = true;
      src = src->getOperand(0).getDefiningOp();
    }
    if (!src || !src->getResult(0).hasOneUse())
      continue;
    if (src->getName().getStringRef() == "onnx.gemm" && succeeded(fuseGemm(rw, q, src, relu))) {
      Operation *r = relu ? q->getOperand(0).getDefiningOp() : nullptr;
      q->erase();
      if (r)
        r->erase();
      src->erase();
    }
  }
  // DequantizeLinear(QuantizeLinear-replacement) chains: a DQ whose input is
  // now an integer value produced by a fused op stays for its float users.
  // Dead DequantizeLinear ops go away.
  SmallVector<Operation *> dead;
  module.walk([&](Operation *op) {
    if (op->getName().getStringRef() == "onnx.dequantize_linear" && op->use_empty())
      dead.push_back(op);
  });
  for (Operation *op : dead)
    op->erase();
  return success();
}

} // namespace emlc
