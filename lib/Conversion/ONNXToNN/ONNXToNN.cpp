//===- ONNXToNN.cpp - onnx dialect -> nn dialect: the driver ----------------===//
//
// Runs the int8 front (QOperator expansion, uint8 -> int8, QDQ fusion), then
// lowers every remaining onnx op with the function its op class has in the
// table (Lower*.cpp). Lowerings read constant operands (axes, pads, weights)
// directly and fold weight preprocessing (transposes, BatchNorm scale/shift)
// into new constants, so the walk is a simple program-order rewrite;
// afterwards no onnx op may remain. Each bail-out emits an error on the op
// with the reason, which the driver reports with the node name.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "QDQ.h"
#include "emlc/Conversion/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"

namespace emlc {
#define GEN_PASS_DEF_CONVERTONNXTONN
#include "emlc/Conversion/Passes.h.inc"
} // namespace emlc

using namespace mlir;
using namespace emlc;
using namespace emlc::lowering;

namespace emlc::lowering {

/// An error on the op, started with "(OpType, opset N): ".
static InFlightDiagnostic opError(Operation *op) {
  int64_t opset = 0;
  if (auto m = op->getParentOfType<ModuleOp>())
    if (auto a = m->getAttrOfType<IntegerAttr>("emlc.opset"))
      opset = a.getInt();
  InFlightDiagnostic diag = op->emitError();
  diag << "(" << onnx::onnxOpTypeFor(op->getName().stripDialect()) << ", opset " << opset << "): ";
  return diag;
}

LogicalResult Lowerer::fail(const Twine &why) { return opError(op) << why; }

LogicalResult Lowerer::failNeedsConstant(const Twine &why) {
  InFlightDiagnostic diag = opError(op);
  diag << why;
  onnx::noteNeedsConstant(diag);
  return diag;
}

Value Lowerer::reshape(Value v, ArrayRef<int64_t> shape) {
  auto t = RankedTensorType::get(shape, type(v).getElementType());
  if (t == v.getType())
    return v;
  if (auto c = getConstant(v))
    return constant(c.reshape(t));
  return rw.create<nn::ReshapeOp>(loc, t, v);
}

Value Lowerer::transpose(Value v, ArrayRef<int64_t> perm) {
  if (auto c = getConstant(v))
    return constant(transposeConstant(c, perm));
  Shape s;
  for (int64_t p : perm)
    s.push_back(shape(v)[p]);
  return rw.create<nn::TransposeOp>(loc, RankedTensorType::get(s, type(v).getElementType()), v,
                                    rw.getDenseI64ArrayAttr(perm));
}

Value Lowerer::binary(nn::BinaryKind k, Value a, Value b) {
  Shape s;
  onnx::broadcastShapes(shape(a), shape(b), s);
  return rw.create<nn::BinaryOp>(loc, RankedTensorType::get(s, type(a).getElementType()),
                                 nn::BinaryKindAttr::get(rw.getContext(), k), a, b, nullptr, nullptr);
}

Value Lowerer::cast(Value v, Type elem) {
  if (type(v).getElementType() == elem)
    return v;
  auto t = RankedTensorType::get(type(v).getShape(), elem);
  if (auto c = getConstant(v); c && llvm::isa<FloatType>(elem) && llvm::isa<IntegerType>(c.getElementType())) {
    // In the target type's semantics: a float32 APFloat in an f16 or f64
    // attribute is read past its end (emlc-fuzz: Pow of an f16 base by an
    // integer exponent).
    const llvm::fltSemantics &sem = llvm::cast<FloatType>(elem).getFloatSemantics();
    SmallVector<APFloat> vals;
    bool isUnsigned = c.getElementType().isUnsignedInteger();
    for (const APInt &x : c.getValues<APInt>()) {
      APFloat f((double)(isUnsigned ? (int64_t)x.getZExtValue() : x.getSExtValue()));
      bool losesInfo = false;
      f.convert(sem, APFloat::rmNearestTiesToEven, &losesInfo);
      vals.push_back(f);
    }
    return constant(DenseElementsAttr::get(t, vals));
  }
  return rw.create<nn::CastOp>(loc, t, v);
}

nn::NormalizeOp Lowerer::normalize(Value x, int64_t axis, float eps) {
  Shape stat = shape(x);
  for (size_t i = axis; i < stat.size(); ++i)
    stat[i] = 1;
  auto st = RankedTensorType::get(stat, type(x).getElementType());
  return rw.create<nn::NormalizeOp>(loc, x.getType(), st, st, x, rw.getI64IntegerAttr(axis), rw.getF32FloatAttr(eps));
}

Value quantParam(Lowerer &L, Value p, int64_t axis, int64_t rank) {
  Shape s = L.shape(p);
  if (s.size() != 1 || s[0] == 1)
    return p;
  Shape b(rank, 1);
  b[onnx::normalizeAxis(axis, rank)] = s[0];
  return L.reshape(p, b);
}

Shape channelShape(int64_t c, int64_t rank) {
  Shape s(rank - 1, 1);
  s[0] = c;
  return s;
}
} // namespace emlc::lowering

namespace {
const LoweringTable &loweringTable() {
  static const LoweringTable table = [] {
    LoweringTable t;
    addComputeLowerings(t);
    addElementwiseLowerings(t);
    addDataMovementLowerings(t);
    addRecurrentLowerings(t);
    return t;
  }();
  return table;
}

struct ConvertONNXToNNPass : emlc::impl::ConvertONNXToNNBase<ConvertONNXToNNPass> {
  void runOnOperation() override {
    IRRewriter rw(&getContext());
    if (failed(expandQOperators(getOperation(), rw)) || failed(convertUint8ToInt8(getOperation(), rw)) ||
        failed(fuseQDQ(getOperation(), rw)))
      return signalPassFailure();
    SmallVector<Operation *> work;
    getOperation().walk([&](Operation *op) {
      if (llvm::isa_and_nonnull<onnx::ONNXDialect>(op->getDialect()) && !llvm::isa<onnx::NoneOp>(op))
        work.push_back(op);
    });
    bool ok = true;
    for (Operation *op : work) {
      const LoweringTable::Fn *lower = loweringTable().lookup(op);
      if (!lower) { // Shape, ConstantOfShape, Range...: folded at import when their inputs are constants
        op->emitError("is only supported when its inputs are constants, but here they are computed "
                      "at run time (bind dynamic input shapes with --shape)");
        ok = false;
        continue;
      }
      rw.setInsertionPoint(op);
      Lowerer L(op, rw);
      if (failed((*lower)(L))) {
        ok = false;
        continue;
      }
      for (Value r : op->getResults())
        if (!r.use_empty()) {
          op->emitError("internal: a result was left without a replacement");
          ok = false;
        }
    }
    if (!ok)
      return signalPassFailure();
    for (Operation *op : llvm::reverse(work))
      op->erase();
    getOperation().walk([&](onnx::NoneOp op) {
      if (op->use_empty())
        op->erase();
    });
  }
};
} // namespace
