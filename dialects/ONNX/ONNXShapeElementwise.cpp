//===- ONNXShapeElementwise.cpp - result types of elementwise onnx ops ----===//
//
// Unary ops keep their input type; binary and variadic ones broadcast (numpy
// rules); Cast and the (de)quantization ops change the element type.
//
//===----------------------------------------------------------------------===//

#include "dialects/ONNX/ONNXShapeInference.h"
#include <cmath>

using namespace mlir;
using namespace emlc::onnx;

namespace {
LogicalResult inferSame(Shapes &c) { return c.same(); }

LogicalResult inferBroadcast(Shapes &c, Type elem) {
  // Every input of a broadcasting op is required, the variadic ones (Sum, Max, Min, Mean) too.
  for (unsigned i = 0; i < c.operands.size(); ++i)
    if (!c.has(i))
      return c.fail(OpTrait::requiredMessage(i));
  Shape out = c.shape(0);
  for (unsigned i = 1; i < c.operands.size(); ++i) {
    Shape next;
    if (!broadcastShapes(out, c.shape(i), next))
      return c.fail("inputs 0 and " + Twine(i) + " do not broadcast");
    out = next;
  }
  c.add(out, elem);
  return success();
}
LogicalResult inferBroadcastSame(Shapes &c) {
  if (failed(c.allSameElementType()))
    return failure();
  return inferBroadcast(c, c.elem(0));
}
/// Pow's exponent has its own type (T1): only the shapes must broadcast.
LogicalResult inferPow(Shapes &c) { return inferBroadcast(c, c.elem(0)); }

LogicalResult inferPRelu(Shapes &c) {
  if (failed(c.sameElementType({0, 1})))
    return failure();
  Shape out;
  if (!broadcastShapes(c.shape(0), preluSlopeShape(c.shape(0), c.shape(1)), out))
    return c.fail("slope does not broadcast to the input");
  c.add(out, c.elem(0));
  return success();
}

LogicalResult inferEqual(Shapes &c) {
  if (failed(c.allSameElementType()))
    return failure();
  return inferBroadcast(c, IntegerType::get(c.ctx(), 1));
}

LogicalResult inferWhere(Shapes &c) {
  if (!c.elem(0).isInteger(1))
    return c.fail("the condition (input 0) must be a bool tensor, got " + Shapes::typeName(c.elem(0)));
  if (failed(c.sameElementType({1, 2})))
    return failure();
  Shape s, s2;
  if (!broadcastShapes(c.shape(0), c.shape(1), s) || !broadcastShapes(s, c.shape(2), s2))
    return c.fail("inputs do not broadcast");
  c.add(s2, c.elem(1));
  return success();
}

/// Output, and the mask (all true in inference).
LogicalResult inferDropout(Shapes &c) {
  c.add(c.shape(0), c.elem(0));
  c.add(c.shape(0), IntegerType::get(c.ctx(), 1));
  return success();
}

LogicalResult inferCast(Shapes &c, CastOp::Adaptor op) {
  if (!op.getToAttr())
    return c.fail("attribute 'to' is required");
  Type e = elementTypeFromONNX(c.ctx(), op.getTo());
  if (!e)
    return c.fail("cast target type " + Twine(op.getTo()) + " is not supported");
  c.add(c.shape(0), e);
  return success();
}

LogicalResult inferSoftmax(Shapes &c, int64_t axis) {
  int64_t rank = c.shape(0).size();
  if (normalizeAxis(axis, rank) < 0 || normalizeAxis(axis, rank) >= std::max<int64_t>(rank, 1))
    return c.fail("axis " + Twine(axis) + " is out of range for an input of rank " + Twine(rank) +
                  " (valid: " + Twine(-rank) + " to " + Twine(rank - 1) + ")");
  return c.same();
}
LogicalResult inferSoftmaxOp(Shapes &c, SoftmaxOp::Adaptor op) { return inferSoftmax(c, op.getAxis()); }
LogicalResult inferLogSoftmaxOp(Shapes &c, LogSoftmaxOp::Adaptor op) { return inferSoftmax(c, op.getAxis()); }

LogicalResult inferClip(Shapes &c) {
  if (failed(c.sameElementType({0, 1, 2})))
    return failure();
  return c.same();
}

/// The (de)quantization parameters: a float scale, scalar (per tensor) or 1-D
/// of X's `axis` dimension (per axis), and a zero point of the same shape.
LogicalResult checkQuantParams(Shapes &c, int64_t axisAttr) {
  if (!llvm::isa<FloatType>(c.elem(1)))
    return c.fail("the scale (input 1) must be a float tensor, got " + Shapes::typeName(c.elem(1)));
  Shape x = c.shape(0), scale = c.shape(1);
  if (scale.size() > 1)
    return c.fail("the scale (input 1) must be a scalar or 1-D, got shape " + shapeString(scale));
  if (scale.size() == 1 && scale[0] != 1) {
    int64_t axis = normalizeAxis(axisAttr, x.size());
    if (axis < 0 || axis >= (int64_t)x.size())
      return c.fail("axis " + Twine(axisAttr) + " is out of range for an input of rank " + Twine(x.size()));
    if (scale[0] != x[axis])
      return c.fail("the per-axis scale has " + Twine(scale[0]) + " values, axis " + Twine(axisAttr) + " of X " +
                    shapeString(x) + " has " + Twine(x[axis]));
  }
  // Scalar and [1] are both per tensor.
  if (c.has(2) && (c.shape(2).size() > 1 || elementCount(c.shape(2)) != elementCount(scale)))
    return c.fail("the zero point (input 2) must have as many values as the scale (shape " + shapeString(scale) +
                  "), got shape " + shapeString(c.shape(2)));
  return checkScales(c, {1});
}

bool isQuantizedInt(Type t) { return t.isInteger(8) || t.isInteger(16) || t.isInteger(32); }

LogicalResult inferDequantize(Shapes &c, DequantizeLinearOp::Adaptor op) {
  if (!isQuantizedInt(c.elem(0)))
    return c.fail("X must be an 8-, 16- or 32-bit integer tensor, got " + Shapes::typeName(c.elem(0)));
  if (failed(c.sameElementType({0, 2})) || failed(checkQuantParams(c, op.getAxis())))
    return failure();
  c.add(c.shape(0), Float32Type::get(c.ctx()));
  return success();
}

/// The zero point's type, uint8 without one.
LogicalResult inferQuantize(Shapes &c, QuantizeLinearOp::Adaptor op) {
  if (!llvm::isa<FloatType>(c.elem(0)))
    return c.fail("X must be a float tensor, got " + Shapes::typeName(c.elem(0)));
  if (c.has(2) && !c.elem(2).isInteger(8) && !c.elem(2).isInteger(16))
    return c.fail("the zero point (input 2) must be an 8- or 16-bit integer, got " + Shapes::typeName(c.elem(2)));
  if (failed(checkQuantParams(c, op.getAxis())))
    return failure();
  c.add(c.shape(0), c.has(2) ? c.elem(2) : IntegerType::get(c.ctx(), 8, IntegerType::Unsigned));
  return success();
}

/// uint8 data, then the float scale and uint8 zero point (scalars).
LogicalResult inferDynamicQuantize(Shapes &c) {
  Type u8 = IntegerType::get(c.ctx(), 8, IntegerType::Unsigned);
  c.add(c.shape(0), u8);
  c.add({}, Float32Type::get(c.ctx()));
  c.add({}, u8);
  return success();
}
} // namespace

namespace emlc::onnx {
/// Constant scales must be finite and positive: a zero, negative or NaN
/// scale divides by zero or flips values in the kernels.
mlir::LogicalResult checkScales(Shapes &c, std::initializer_list<unsigned> indices) {
  for (unsigned i : indices) {
    if (!c.has(i))
      continue;
    if (auto scales = getConstFloats(c.operands[i]))
      for (double s : *scales)
        if (!std::isfinite(s) || s <= 0)
          return c.fail("scale (input " + Twine(i) + ") must be finite and > 0, got " + formatDouble(s));
  }
  return success();
}

EMLC_ONNX_INFER(ReluOp, inferSame)
EMLC_ONNX_INFER(LeakyReluOp, inferSame)
EMLC_ONNX_INFER(ClipOp, inferClip)
EMLC_ONNX_INFER(SigmoidOp, inferSame)
EMLC_ONNX_INFER(HardSigmoidOp, inferSame)
EMLC_ONNX_INFER(HardSwishOp, inferSame)
EMLC_ONNX_INFER(TanhOp, inferSame)
EMLC_ONNX_INFER(EluOp, inferSame)
EMLC_ONNX_INFER(SeluOp, inferSame)
EMLC_ONNX_INFER(SoftmaxOp, inferSoftmaxOp)
EMLC_ONNX_INFER(LogSoftmaxOp, inferLogSoftmaxOp)
EMLC_ONNX_INFER(ExpOp, inferSame)
EMLC_ONNX_INFER(LogOp, inferSame)
EMLC_ONNX_INFER(SqrtOp, inferSame)
EMLC_ONNX_INFER(AbsOp, inferSame)
EMLC_ONNX_INFER(NegOp, inferSame)
EMLC_ONNX_INFER(ReciprocalOp, inferSame)
EMLC_ONNX_INFER(FloorOp, inferSame)
EMLC_ONNX_INFER(CeilOp, inferSame)
EMLC_ONNX_INFER(RoundOp, inferSame)
EMLC_ONNX_INFER(ErfOp, inferSame)
EMLC_ONNX_INFER(SoftplusOp, inferSame)
EMLC_ONNX_INFER(SoftsignOp, inferSame)
EMLC_ONNX_INFER(SinOp, inferSame)
EMLC_ONNX_INFER(CosOp, inferSame)
EMLC_ONNX_INFER(IdentityOp, inferSame)
EMLC_ONNX_INFER(PReluOp, inferPRelu)
EMLC_ONNX_INFER(DropoutOp, inferDropout)
EMLC_ONNX_INFER(CastOp, inferCast)

EMLC_ONNX_INFER(AddOp, inferBroadcastSame)
EMLC_ONNX_INFER(SubOp, inferBroadcastSame)
EMLC_ONNX_INFER(MulOp, inferBroadcastSame)
EMLC_ONNX_INFER(DivOp, inferBroadcastSame)
EMLC_ONNX_INFER(PowOp, inferPow)
EMLC_ONNX_INFER(MinOp, inferBroadcastSame)
EMLC_ONNX_INFER(MaxOp, inferBroadcastSame)
EMLC_ONNX_INFER(SumOp, inferBroadcastSame)
EMLC_ONNX_INFER(MeanOp, inferBroadcastSame)
EMLC_ONNX_INFER(EqualOp, inferEqual)
EMLC_ONNX_INFER(WhereOp, inferWhere)

EMLC_ONNX_INFER(DequantizeLinearOp, inferDequantize)
EMLC_ONNX_INFER(QuantizeLinearOp, inferQuantize)
EMLC_ONNX_INFER(DynamicQuantizeLinearOp, inferDynamicQuantize)
} // namespace emlc::onnx
