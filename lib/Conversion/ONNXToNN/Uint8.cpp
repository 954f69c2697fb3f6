//===- Uint8.cpp - uint8 quantized tensors -> int8 with zero point - 128 ---===//
//
// Runs after the QOperator expansion, before the QDQ fusion. A uint8 value q
// with zero point z stands for the same real numbers as the int8 value
// q - 128 with zero point z - 128 (TFLite converts uint8 models the same
// way), so one set of int8 kernels serves both. Rewritten here:
//   - QuantizeLinear to uint8 -> QuantizeLinear to int8;
//   - DequantizeLinear of uint8 -> of the int8 twin (constants are converted
//     at compile time, other values by a subtract-128 at the point they enter);
//   - data movement between them (Cast to uint8, Reshape, Transpose, MaxPool,
//     Concat...) -> the same op on the int8 twin (all commute with q - 128);
//   - where a converted value leaves the quantized region (a graph output, any
//     other consumer) it is converted back with an add-128.
//
//===----------------------------------------------------------------------===//

#include "QDQ.h"
#include "dialects/ONNX/ONNXAttrUtils.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;

namespace emlc {
namespace {

bool isU8(Value v) {
  auto t = llvm::dyn_cast<RankedTensorType>(v.getType());
  return t && t.getElementType().isUnsignedInteger(8);
}

/// Ops that commute with q - 128 (value moves, order-preserving picks).
bool isDataMovement(Operation *op) {
  return op->getNumResults() == 1 && isU8(op->getResult(0)) &&
         (isReshapeLike(op) ||
          llvm::isa<onnx::MaxPoolOp, onnx::GlobalMaxPoolOp, onnx::ConcatOp, onnx::SliceOp, onnx::CastOp>(op));
}

struct Flipper {
  explicit Flipper(IRRewriter &rw) : rw(rw) {}
  IRRewriter &rw;
  DenseMap<Value, Value> twin; ///< uint8 value -> its int8 twin
  bool ok = true;

  /// Another op like `name` (the same attributes) on new operands.
  Value build(Location loc, OperationName name, ValueRange in, ArrayRef<NamedAttribute> attrs = {}) {
    return buildONNX(rw, loc, name, in, attrs, "uint8 -> int8 conversion", ok);
  }
  template <typename OpT> Value build(Location loc, ValueRange in, ArrayRef<NamedAttribute> attrs = {}) {
    return buildONNX<OpT>(rw, loc, in, attrs, "uint8 -> int8 conversion", ok);
  }
  /// q -/+ 128 at run time, through int16 (typed kernels exist for each step).
  Value shift(Location loc, Value v, bool toSigned) {
    auto i16 = IntegerType::get(rw.getContext(), 16);
    Value wide = build<onnx::CastOp>(loc, {v}, {rw.getNamedAttr("to", rw.getI64IntegerAttr(5))});
    Value c = rw.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(RankedTensorType::get({}, i16), rw.getIntegerAttr(i16, 128)));
    Value moved = ok ? (toSigned ? build<onnx::SubOp>(loc, {wide, c}) : build<onnx::AddOp>(loc, {wide, c})) : Value();
    return ok ? build<onnx::CastOp>(loc, {moved}, {rw.getNamedAttr("to", rw.getI64IntegerAttr(toSigned ? 3 : 2))})
              : Value();
  }
  /// A uint8 constant (weights, zero points) as int8, each element - 128.
  Value constantTwin(Location loc, DenseElementsAttr c) {
    auto i8 = IntegerType::get(rw.getContext(), 8);
    SmallVector<APInt> vals;
    for (const APInt &x : c.getValues<APInt>())
      vals.push_back(APInt(8, (uint64_t)((int64_t)x.getZExtValue() - 128), /*isSigned=*/true));
    return rw.create<arith::ConstantOp>(loc, DenseElementsAttr::get(c.getType().clone(i8), vals));
  }
  /// The int8 zero point for a uint8 one (absent: 0 -> -128).
  Value zeroPointTwin(Location loc, Operation *op, Value zp, ArrayRef<int64_t> shape) {
    if (!onnx::isNone(zp)) {
      if (auto c = onnx::getConstant(zp))
        return constantTwin(loc, c);
      op->emitError("a uint8 zero point must be a constant");
      ok = false;
      return {};
    }
    auto u8 = IntegerType::get(rw.getContext(), 8, IntegerType::Unsigned);
    return constantTwin(loc, DenseElementsAttr::get(RankedTensorType::get(shape, u8), rw.getIntegerAttr(u8, 0)));
  }
  /// The int8 twin of `v`, converting at run time if it has none yet.
  Value twinOf(Value v, Location loc) {
    if (auto it = twin.find(v); it != twin.end())
      return it->second;
    if (auto c = onnx::getConstant(v))
      return twin[v] = constantTwin(loc, c);
    OpBuilder::InsertionGuard g(rw);
    if (Operation *def = v.getDefiningOp())
      rw.setInsertionPointAfter(def);
    else
      rw.setInsertionPointToStart(llvm::cast<BlockArgument>(v).getOwner());
    return twin[v] = shift(loc, v, /*toSigned=*/true);
  }
};
} // namespace

LogicalResult convertUint8ToInt8(ModuleOp module, IRRewriter &rw) {
  Flipper f(rw);
  SmallVector<Operation *> ops, replaced;
  module.walk([&](Operation *op) { ops.push_back(op); }); // program order: producers first
  for (Operation *op : ops) {
    Location loc = op->getLoc();
    rw.setInsertionPoint(op);
    // Run-time zero points stay uint8: that path computes in float anyway.
    bool constantZp =
        op->getNumOperands() < 3 || onnx::isNone(op->getOperand(2)) || onnx::getConstant(op->getOperand(2));
    if (llvm::isa<onnx::QuantizeLinearOp>(op) && isU8(op->getResult(0)) && constantZp) {
      auto scaleShape = llvm::cast<RankedTensorType>(op->getOperand(1).getType()).getShape();
      Value zp = f.zeroPointTwin(loc, op, op->getNumOperands() > 2 ? op->getOperand(2) : Value(), scaleShape);
      if (!f.ok)
        break;
      Value q = f.build<onnx::QuantizeLinearOp>(loc, {op->getOperand(0), op->getOperand(1), zp}, op->getAttrs());
      f.twin[op->getResult(0)] = q;
      replaced.push_back(op);
    } else if (llvm::isa<onnx::DequantizeLinearOp>(op) && isU8(op->getOperand(0)) && constantZp) {
      auto scaleShape = llvm::cast<RankedTensorType>(op->getOperand(1).getType()).getShape();
      Value zp = f.zeroPointTwin(loc, op, op->getNumOperands() > 2 ? op->getOperand(2) : Value(), scaleShape);
      Value x = f.ok ? f.twinOf(op->getOperand(0), loc) : Value();
      if (!f.ok)
        break;
      Value d = f.build<onnx::DequantizeLinearOp>(loc, {x, op->getOperand(1), zp}, op->getAttrs());
      op->getResult(0).replaceAllUsesWith(d);
      replaced.push_back(op);
    } else if (isDataMovement(op) && f.twin.count(op->getOperand(0))) {
      if (llvm::isa<onnx::CastOp, onnx::IdentityOp>(op)) { // uint8 -> uint8: the twin itself
        f.twin[op->getResult(0)] = f.twin[op->getOperand(0)];
        replaced.push_back(op);
        continue;
      }
      SmallVector<Value> in;
      for (auto [i, v] : llvm::enumerate(op->getOperands()))
        in.push_back(i == 0 || (llvm::isa<onnx::ConcatOp>(op) && isU8(v)) ? f.twinOf(v, loc) : v);
      if (!f.ok)
        break;
      f.twin[op->getResult(0)] = f.build(loc, op->getName(), in, op->getAttrs());
      replaced.push_back(op);
    }
    if (!f.ok)
      break;
  }
  if (!f.ok)
    return failure();
  // Values still used outside the quantized region get their uint8 form back.
  llvm::SmallPtrSet<Operation *, 16> gone(replaced.begin(), replaced.end());
  for (Operation *op : replaced) {
    Value v = op->getResult(0);
    auto outside = [&](OpOperand &use) { return !gone.contains(use.getOwner()); };
    if (!f.twin.count(v) || llvm::none_of(v.getUses(), outside))
      continue;
    rw.setInsertionPointAfterValue(f.twin[v]);
    Value back = f.shift(op->getLoc(), f.twin[v], /*toSigned=*/false);
    if (!f.ok)
      return failure();
    v.replaceUsesWithIf(back, [&](OpOperand &use) { return outside(use); });
  }
  // Now only replaced ops use replaced ops, always later ones.
  for (Operation *op : llvm::reverse(replaced))
    op->erase();
  return success();
}

} // namespace emlc
