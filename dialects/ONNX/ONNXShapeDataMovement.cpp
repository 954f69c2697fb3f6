//===- ONNXShapeDataMovement.cpp - result types of data-movement onnx ops -===//
//
// Reshapes, slices, concatenation, padding, gathers, resizes and the ops of
// shape subgraphs. Many read a constant operand (a target shape, axes, pads):
// when it is computed at run time the error says which and suggests binding it.
//
//===----------------------------------------------------------------------===//

#include "dialects/ONNX/ONNXShapeInference.h"
#include "llvm/Support/CheckedArithmetic.h"
#include <cmath>
#include <numeric>

using namespace mlir;
using namespace emlc::onnx;

namespace {
LogicalResult inferConcat(Shapes &c, ConcatOp::Adaptor op) {
  if (!op.getAxisAttr())
    return c.fail("attribute 'axis' is required");
  // Every input of the variadic Concat is required (an empty name in the
  // middle is no tensor to join).
  for (unsigned i = 0; i < c.operands.size(); ++i)
    if (!c.has(i))
      return c.fail(OpTrait::requiredMessage(i));
  if (failed(c.allSameElementType()))
    return failure();
  Shape out = c.shape(0);
  int64_t axis = normalizeAxis(op.getAxis(), out.size());
  if (axis < 0 || axis >= (int64_t)out.size())
    return c.fail("axis " + Twine(op.getAxis()) + " is out of range for inputs of rank " + Twine(out.size()));
  for (unsigned i = 1; i < c.operands.size(); ++i) {
    Shape s = c.shape(i);
    if (s.size() != out.size())
      return c.fail("inputs have different ranks");
    for (size_t d = 0; d < s.size(); ++d)
      if ((int64_t)d != axis && s[d] != out[d])
        return c.fail("input " + Twine(i) + " differs off the concat axis");
    std::optional<int64_t> sum = llvm::checkedAdd(out[axis], s[axis]);
    if (!sum)
      return c.fail("the concatenated axis overflows");
    out[axis] = *sum;
  }
  c.add(out, c.elem(0));
  return success();
}

LogicalResult inferReshape(Shapes &c, ReshapeOp::Adaptor op) {
  Shape x = c.shape(0);
  auto target = getConstInts(c.operands[1]);
  if (!target)
    return c.failNeedsConstant("the target shape is computed at run time; emlc needs it constant "
                               "(bind dynamic inputs with --shape)");
  bool allowZero = op.getAllowzero() != 0;
  int64_t total = elementCount(x).value_or(0);
  Shape out;
  int64_t known = 1, inferAt = -1;
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t d = (*target)[i];
    if (d == 0 && !allowZero) {
      if (i >= x.size())
        return c.fail("shape entry 0 copies a dimension the input does not have");
      d = x[i];
    }
    if (d == -1) {
      if (inferAt >= 0)
        return c.fail("more than one -1 in the target shape");
      inferAt = i;
      out.push_back(1);
      continue;
    }
    if (d < 0)
      return c.fail("negative dimension in the target shape");
    std::optional<int64_t> next = llvm::checkedMul(known, d);
    if (!next)
      return c.fail("the target shape " + shapeString(*target) + " has more elements than int64 can count");
    known = *next;
    out.push_back(d);
  }
  if (inferAt >= 0) {
    if (known == 0 || total % known)
      return c.fail("cannot infer the -1 dimension");
    out[inferAt] = total / known;
  } else if (known != total) {
    return c.fail("target shape has " + Twine(known) + " elements, input has " + Twine(total));
  }
  c.add(out, c.elem(0));
  return success();
}

LogicalResult inferFlatten(Shapes &c, FlattenOp::Adaptor op) {
  Shape x = c.shape(0);
  int64_t axis = normalizeAxis(op.getAxis(), x.size());
  if (axis < 0 || axis > (int64_t)x.size())
    return c.fail("axis out of range");
  int64_t a = 1, b = 1;
  for (int64_t i = 0; i < (int64_t)x.size(); ++i)
    (i < axis ? a : b) *= x[i];
  c.add({a, b}, c.elem(0));
  return success();
}

LogicalResult inferSqueeze(Shapes &c) {
  Shape x = c.shape(0);
  std::vector<bool> drop(x.size(), false);
  if (c.has(1)) {
    auto axes = getConstInts(c.operands[1]);
    if (!axes)
      return c.failNeedsConstant("axes must be a constant");
    for (int64_t a : *axes) {
      a = normalizeAxis(a, x.size());
      if (a < 0 || a >= (int64_t)x.size() || x[a] != 1)
        return c.fail("cannot squeeze axis " + Twine(a));
      drop[a] = true;
    }
  } else {
    for (size_t i = 0; i < x.size(); ++i)
      drop[i] = x[i] == 1;
  }
  Shape out;
  for (size_t i = 0; i < x.size(); ++i)
    if (!drop[i])
      out.push_back(x[i]);
  c.add(out, c.elem(0));
  return success();
}

LogicalResult inferUnsqueeze(Shapes &c) {
  Shape x = c.shape(0);
  auto axes = getConstInts(c.operands[1]);
  if (!axes)
    return c.failNeedsConstant("axes must be a constant");
  int64_t r = x.size() + axes->size();
  std::vector<bool> ins(r, false);
  for (int64_t a : *axes) {
    a = normalizeAxis(a, r);
    if (a < 0 || a >= r || ins[a])
      return c.fail("bad unsqueeze axis");
    ins[a] = true;
  }
  Shape out;
  size_t k = 0;
  for (int64_t i = 0; i < r; ++i)
    out.push_back(ins[i] ? 1 : x[k++]);
  c.add(out, c.elem(0));
  return success();
}

LogicalResult inferTranspose(Shapes &c, TransposeOp::Adaptor op) {
  Shape x = c.shape(0);
  Shape perm(x.size());
  std::iota(perm.rbegin(), perm.rend(), 0); // absent: reverse the axes
  if (auto p = op.getPerm())
    perm.assign(p->begin(), p->end());
  if (perm.size() != x.size())
    return c.fail("perm has the wrong length");
  Shape out;
  std::vector<bool> seen(x.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= (int64_t)x.size() || seen[p])
      return c.fail("perm " + shapeString(perm) + " is not a permutation of the " + Twine(x.size()) + " axes");
    seen[p] = true;
    out.push_back(x[p]);
  }
  c.add(out, c.elem(0));
  return success();
}

LogicalResult inferPad(Shapes &c) {
  Shape x = c.shape(0);
  auto pads = getConstInts(c.operands[1]);
  if (!pads || pads->size() != 2 * x.size())
    return c.failNeedsConstant("pads must be a constant of length 2 x rank");
  Shape out = x;
  for (size_t i = 0; i < x.size(); ++i) {
    std::optional<int64_t> d = llvm::checkedAdd(x[i], (*pads)[i]);
    if (d)
      d = llvm::checkedAdd(*d, (*pads)[i + x.size()]);
    if (!d)
      return c.fail("pads overflow int64 on axis " + Twine(i));
    out[i] = *d;
  }
  c.add(out, c.elem(0));
  return success();
}

LogicalResult inferSlice(Shapes &c) {
  Shape x = c.shape(0);
  auto starts = getConstInts(c.operands[1]), ends = getConstInts(c.operands[2]);
  if (!starts || !ends)
    return c.failNeedsConstant("starts and ends must be constants");
  std::vector<int64_t> axes(starts->size()), steps(starts->size(), 1);
  std::iota(axes.begin(), axes.end(), 0);
  if (c.has(3)) {
    auto a = getConstInts(c.operands[3]);
    if (!a)
      return c.failNeedsConstant("axes must be a constant");
    axes = *a;
  }
  if (c.has(4)) {
    auto s = getConstInts(c.operands[4]);
    if (!s)
      return c.failNeedsConstant("steps must be a constant");
    steps = *s;
  }
  if (axes.size() != starts->size() || ends->size() != starts->size() || steps.size() != starts->size())
    return c.fail("starts/ends/axes/steps lengths differ");
  Shape out = x;
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = normalizeAxis(axes[i], x.size());
    if (a < 0 || a >= (int64_t)x.size())
      return c.fail("axis out of range");
    int64_t d = x[a], st = steps[i];
    if (st == 0)
      return c.fail("step 0");
    int64_t b = (*starts)[i], e = (*ends)[i];
    if (b < 0)
      b += d;
    if (e < 0)
      e += d;
    // ceil(span / |step|) without overflow: steps may be as large as int64 allows (or INT64_MIN).
    if (st > 0) {
      b = std::clamp<int64_t>(b, 0, d);
      e = std::clamp<int64_t>(e, 0, d);
      out[a] = e > b ? (int64_t)((uint64_t)(e - b - 1) / (uint64_t)st + 1) : 0;
    } else {
      b = std::clamp<int64_t>(b, 0, std::max<int64_t>(d - 1, 0));
      e = std::clamp<int64_t>(e, -1, d - 1);
      out[a] = d > 0 && b > e ? (int64_t)((uint64_t)(b - e - 1) / (0 - (uint64_t)st) + 1) : 0;
    }
  }
  c.add(out, c.elem(0));
  return success();
}

/// Sizes from the `split` operand, or num_outputs equal parts (the last one
/// smaller), as ONNX 18 defines them.
LogicalResult inferSplit(Shapes &c, SplitOp::Adaptor op) {
  Shape x = c.shape(0);
  int64_t axis = normalizeAxis(op.getAxis(), x.size());
  if (axis < 0 || axis >= (int64_t)x.size())
    return c.fail("axis out of range");
  std::vector<int64_t> parts;
  if (c.has(1)) {
    auto s = getConstInts(c.operands[1]);
    if (!s)
      return c.failNeedsConstant("split must be a constant");
    parts = *s;
  } else if (auto n = op.getNumOutputs(); n && *n > 0) {
    int64_t d = x[axis], chunk = (d + *n - 1) / *n;
    for (int64_t i = 0; i < *n; ++i)
      parts.push_back(std::min(chunk, d - chunk * i));
  } else {
    return c.fail("needs the split sizes or num_outputs");
  }
  int64_t sum = 0;
  for (int64_t p : parts) {
    if (p < 0)
      return c.fail("split sizes must be >= 0, got " + shapeString(parts));
    sum = llvm::checkedAdd(sum, p).value_or(-1);
    if (sum < 0)
      return c.fail("split sizes overflow int64");
  }
  if (sum != x[axis])
    return c.fail("split sizes " + shapeString(parts) + " sum to " + Twine(sum) + ", the axis has " + Twine(x[axis]));
  for (int64_t p : parts) {
    Shape s = x;
    s[axis] = p;
    c.add(s, c.elem(0));
  }
  return success();
}

LogicalResult inferGather(Shapes &c, GatherOp::Adaptor op) {
  Shape x = c.shape(0), idx = c.shape(1);
  int64_t axis = normalizeAxis(op.getAxis(), x.size());
  if (axis < 0 || axis >= (int64_t)x.size())
    return c.fail("axis " + Twine(op.getAxis()) + " is out of range for data of rank " + Twine(x.size()));
  if (!c.elem(1).isSignlessInteger(32) && !c.elem(1).isSignlessInteger(64))
    return c.fail("indices must be int32 or int64, got " + Shapes::typeName(c.elem(1)));
  // Constant indices out of range would read outside the data at run time.
  if (auto ind = getConstInts(c.operands[1]))
    for (int64_t v : *ind)
      if (v < -x[axis] || v >= x[axis])
        return c.fail("index " + Twine(v) + " is out of range for axis " + Twine(axis) + " of size " + Twine(x[axis]));
  Shape out(x.begin(), x.begin() + axis);
  out.append(idx.begin(), idx.end());
  out.append(x.begin() + axis + 1, x.end());
  c.add(out, c.elem(0));
  return success();
}

LogicalResult inferShape(Shapes &c, ShapeOp::Adaptor op) {
  int64_t r = c.shape(0).size();
  int64_t b = std::clamp<int64_t>(normalizeAxis(op.getStart(), r), 0, r);
  int64_t e = std::clamp<int64_t>(normalizeAxis(op.getEnd().value_or(r), r), 0, r);
  c.add({std::max<int64_t>(0, e - b)}, IntegerType::get(c.ctx(), 64));
  return success();
}

/// float32 zeros unless `value` says otherwise.
/// A shape operand (Expand, ConstantOfShape, Reshape): a 1-D int64 tensor.
LogicalResult checkShapeOperand(Shapes &c, unsigned i) {
  if (!c.elem(i).isSignlessInteger(64) || c.shape(i).size() != 1)
    return c.fail("the shape (input " + Twine(i) + ") must be a 1-D int64 tensor, got " + Shapes::typeName(c.type(i)));
  return success();
}

LogicalResult inferConstantOfShape(Shapes &c, ConstantOfShapeOp::Adaptor op) {
  if (failed(checkShapeOperand(c, 0)))
    return failure();
  auto s = getConstInts(c.operands[0]);
  if (!s)
    return c.failNeedsConstant("the shape must be a constant");
  Type e = Float32Type::get(c.ctx());
  if (auto v = op.getValue())
    e = v->getElementType();
  c.add(*s, e);
  return success();
}

LogicalResult inferExpand(Shapes &c) {
  if (failed(checkShapeOperand(c, 1)))
    return failure();
  auto s = getConstInts(c.operands[1]);
  if (!s)
    return c.failNeedsConstant("the target shape must be a constant");
  Shape out;
  if (!broadcastShapes(c.shape(0), *s, out))
    return c.fail("shape does not broadcast");
  c.add(out, c.elem(0));
  return success();
}

LogicalResult inferRange(Shapes &c) {
  auto s = getConstant(c.operands[0]), l = getConstant(c.operands[1]), d = getConstant(c.operands[2]);
  if (!s || !l || !d)
    return c.failNeedsConstant("start, limit and delta must be constants");
  if (s.getNumElements() != 1 || l.getNumElements() != 1 || d.getNumElements() != 1)
    return c.fail("start, limit and delta must be scalars");
  if (failed(c.sameElementType({0, 1, 2}))) // ONNX's T; the integer count below reads all three as integers
    return failure();
  auto val = [](DenseElementsAttr a) {
    return llvm::isa<FloatType>(a.getElementType()) ? (*a.getValues<APFloat>().begin()).convertToDouble()
                                                    : (double)(*a.getValues<APInt>().begin()).getSExtValue();
  };
  if (val(d) == 0)
    return c.fail("delta must not be 0");
  if (!llvm::isa<FloatType>(s.getElementType())) { // exact: doubles miscount near int64's ends
    auto intVal = [](DenseElementsAttr a) { return (*a.getValues<APInt>().begin()).getSExtValue(); };
    int64_t start = intVal(s), delta = intVal(d);
    std::optional<int64_t> diff = llvm::checkedSub(intVal(l), start);
    if (!diff || (*diff == INT64_MIN && delta == -1))
      return c.fail("the range from " + Twine(start) + " by " + Twine(delta) +
                    " has more elements than int64 can count");
    int64_t n = *diff / delta + (*diff % delta != 0 && (*diff > 0) == (delta > 0));
    c.add({std::max<int64_t>(0, n)}, c.elem(0));
    return success();
  }
  double n = std::ceil((val(l) - val(s)) / val(d));
  if (std::isnan(n) || n >= 9.2e18)
    return c.fail("the range would have " + formatDouble(n) + " elements, more than int64 can count");
  c.add({std::max<int64_t>(0, (int64_t)n)}, c.elem(0));
  return success();
}

/// Operands after import normalization: X, roi, scales, sizes.
LogicalResult inferResize(Shapes &c) {
  Shape x = c.shape(0);
  Shape out = x;
  // The lowering reads scales whenever it is non-empty: with sizes too it would read what nobody checked.
  bool scalesGiven = c.has(2) && c.type(2).getNumElements() != 0;
  if (scalesGiven && c.has(3))
    return c.fail("takes scales or sizes, not both (name the unused one \"\")");
  if (scalesGiven && !llvm::isa<mlir::FloatType>(c.elem(2)))
    return c.fail("scales must be a float tensor, got " + Shapes::typeName(c.elem(2)));
  if (c.has(3) && !c.elem(3).isInteger(64))
    return c.fail("sizes must be an int64 tensor, got " + Shapes::typeName(c.elem(3)));
  if (c.has(3)) {
    auto sizes = getConstInts(c.operands[3]);
    if (!sizes || sizes->size() != x.size())
      return c.failNeedsConstant("sizes must be a constant with one entry per axis");
    for (int64_t s : *sizes)
      if (s < 1)
        return c.fail("sizes must be >= 1, got " + shapeString(*sizes));
    out.assign(sizes->begin(), sizes->end());
  } else if (c.has(2)) {
    auto scales = getConstFloats(c.operands[2]);
    if (!scales || scales->size() != x.size())
      return c.failNeedsConstant("scales must be a constant with one entry per axis");
    for (size_t i = 0; i < x.size(); ++i) {
      double scale = (*scales)[i], size = std::floor(x[i] * scale);
      if (!std::isfinite(scale) || scale <= 0)
        return c.fail("scales must be finite and > 0, got " + formatDouble(scale) + " on axis " + Twine(i));
      // Checked before the conversion: a double beyond int64 does not convert.
      if (size >= 9.2e18)
        return c.fail("scale " + formatDouble(scale) + " on axis " + Twine(i) +
                      " gives more elements than int64 can count");
      if (size < 1)
        return c.fail("scale " + formatDouble(scale) + " on axis " + Twine(i) + " leaves no elements of " +
                      Twine(x[i]));
      out[i] = (int64_t)size;
    }
  } else {
    return c.fail("needs scales or sizes");
  }
  c.add(out, c.elem(0));
  return success();
}

LogicalResult inferDepthToSpace(Shapes &c, DepthToSpaceOp::Adaptor op) {
  Shape x = c.shape(0);
  int64_t b = op.getBlocksizeAttr() ? op.getBlocksize() : 0;
  if (x.size() != 4 || b <= 0 || x[1] % (b * b))
    return c.fail("expects NCHW input with C divisible by blocksize^2");
  c.add({x[0], x[1] / (b * b), x[2] * b, x[3] * b}, c.elem(0));
  return success();
}

LogicalResult inferSpaceToDepth(Shapes &c, SpaceToDepthOp::Adaptor op) {
  Shape x = c.shape(0);
  int64_t b = op.getBlocksizeAttr() ? op.getBlocksize() : 0;
  if (x.size() != 4 || b <= 0 || x[2] % b || x[3] % b)
    return c.fail("expects NCHW input with H and W divisible by blocksize");
  c.add({x[0], x[1] * b * b, x[2] / b, x[3] / b}, c.elem(0));
  return success();
}
} // namespace

namespace emlc::onnx {
EMLC_ONNX_INFER(ConcatOp, inferConcat)
EMLC_ONNX_INFER(ReshapeOp, inferReshape)
EMLC_ONNX_INFER(FlattenOp, inferFlatten)
EMLC_ONNX_INFER(SqueezeOp, inferSqueeze)
EMLC_ONNX_INFER(UnsqueezeOp, inferUnsqueeze)
EMLC_ONNX_INFER(TransposeOp, inferTranspose)
EMLC_ONNX_INFER(PadOp, inferPad)
EMLC_ONNX_INFER(SliceOp, inferSlice)
EMLC_ONNX_INFER(SplitOp, inferSplit)
EMLC_ONNX_INFER(GatherOp, inferGather)
EMLC_ONNX_INFER(ShapeOp, inferShape)
EMLC_ONNX_INFER(ConstantOfShapeOp, inferConstantOfShape)
EMLC_ONNX_INFER(ExpandOp, inferExpand)
EMLC_ONNX_INFER(RangeOp, inferRange)
EMLC_ONNX_INFER(ResizeOp, inferResize)
EMLC_ONNX_INFER(DepthToSpaceOp, inferDepthToSpace)
EMLC_ONNX_INFER(SpaceToDepthOp, inferSpaceToDepth)
} // namespace emlc::onnx
