//===- ONNXFolds.cpp - folders of the onnx ops ----------------------------===//
//
// The folders evaluate ops whose operands are all constants. They exist for
// the shape-computing subgraphs PyTorch exports (Shape -> Gather -> Concat ->
// Reshape) and for weight preprocessing (Transpose/Reshape/Cast of
// initializers), so they are limited to tensors of modest size.
//
//===----------------------------------------------------------------------===//

#include "dialects/ONNX/ONNXAttrUtils.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "emlc/Support/ConstantUtils.h"
#include "llvm/Support/CheckedArithmetic.h"
#include <cmath>
#include <numeric>

using namespace mlir;
using namespace emlc::onnx;

namespace {
constexpr int64_t kMaxFoldElements = 1 << 22;

/// A constant tensor as plain numbers: exact int64 for integers, double for floats.
struct Lit {
  SmallVector<int64_t> shape;
  bool isFloat = false;
  std::vector<double> f;
  std::vector<int64_t> i;

  static std::optional<Lit> from(Attribute a) {
    auto d = llvm::dyn_cast_or_null<DenseElementsAttr>(a);
    if (!d || d.getNumElements() > kMaxFoldElements)
      return std::nullopt;
    Lit l;
    auto t = d.getType();
    l.shape.assign(t.getShape().begin(), t.getShape().end());
    if (llvm::isa<FloatType>(t.getElementType())) {
      l.isFloat = true;
      for (const APFloat &v : d.getValues<APFloat>())
        l.f.push_back(v.convertToDouble());
    } else if (auto it = llvm::dyn_cast<IntegerType>(t.getElementType())) {
      for (const APInt &v : d.getValues<APInt>())
        l.i.push_back(it.isUnsigned() || it.getWidth() == 1 ? (int64_t)v.getZExtValue() : v.getSExtValue());
    } else {
      return std::nullopt;
    }
    return l;
  }
  int64_t size() const { return isFloat ? f.size() : i.size(); }
  double get(int64_t k) const { return isFloat ? f[k] : (double)i[k]; }
  int64_t getI(int64_t k) const { return isFloat ? (int64_t)f[k] : i[k]; }
};

/// Builds a DenseElementsAttr of `type` from numbers (converted to its element type).
Attribute toAttr(ShapedType type, const Lit &l) {
  Type e = type.getElementType();
  if (auto ft = llvm::dyn_cast<FloatType>(e)) {
    SmallVector<APFloat> vals;
    for (int64_t k = 0; k < l.size(); ++k) {
      APFloat v(l.get(k));
      bool lost;
      v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      vals.push_back(v);
    }
    return DenseElementsAttr::get(type, vals);
  }
  auto it = llvm::cast<IntegerType>(e);
  SmallVector<APInt> vals;
  for (int64_t k = 0; k < l.size(); ++k)
    vals.push_back(APInt(it.getWidth(), (uint64_t)l.getI(k), /*isSigned=*/!it.isUnsigned()));
  return DenseElementsAttr::get(type, vals);
}

/// Offset into `src` (broadcast to `out`) of the flat output index `k`.
int64_t broadcastOffset(int64_t k, ArrayRef<int64_t> out, ArrayRef<int64_t> src) {
  int64_t off = 0, mul = 1;
  for (int d = (int)out.size() - 1, s = (int)src.size() - 1; d >= 0; --d, --s) {
    int64_t idx = k % out[d];
    k /= out[d];
    if (s >= 0) {
      if (src[s] != 1)
        off += idx * mul;
      mul *= src[s];
    }
  }
  return off;
}

ShapedType resultType(Operation *op, unsigned i = 0) { return llvm::cast<ShapedType>(op->getResult(i).getType()); }

/// Elementwise fold with broadcasting over all-constant operands.
LogicalResult foldElementwise(Operation *op, ArrayRef<Attribute> operands, SmallVectorImpl<OpFoldResult> &results,
                              function_ref<double(ArrayRef<double>)> f) {
  SmallVector<Lit> ins;
  for (Attribute a : operands) {
    auto l = Lit::from(a);
    if (!l)
      return failure();
    ins.push_back(std::move(*l));
  }
  ShapedType rt = resultType(op);
  Lit out;
  out.shape.assign(rt.getShape().begin(), rt.getShape().end());
  out.isFloat = llvm::isa<FloatType>(rt.getElementType());
  int64_t n = rt.getNumElements();
  bool intDiv = !out.isFloat && llvm::isa<DivOp>(op);
  for (int64_t k = 0; k < n; ++k) {
    if (intDiv) { // integer division truncates, exactly.
      int64_t a = ins[0].getI(broadcastOffset(k, out.shape, ins[0].shape));
      int64_t b = ins[1].getI(broadcastOffset(k, out.shape, ins[1].shape));
      if (b == 0 || (a == INT64_MIN && b == -1))
        return failure();
      out.i.push_back(a / b);
      continue;
    }
    SmallVector<double> args;
    for (auto &l : ins)
      args.push_back(l.get(broadcastOffset(k, out.shape, l.shape)));
    double v = f(args);
    if (out.isFloat)
      out.f.push_back(v);
    else if (v >= -0x1p63 && v < 0x1p63) // else (overflow, NaN) not folded: the op stays, as written
      out.i.push_back((int64_t)v);
    else
      return failure();
  }
  results.push_back(toAttr(rt, out));
  return success();
}

/// Re-types constant data (Reshape/Flatten/Squeeze/Unsqueeze).
LogicalResult foldReshapeLike(Operation *op, ArrayRef<Attribute> operands, SmallVectorImpl<OpFoldResult> &results) {
  auto d = llvm::dyn_cast_or_null<DenseElementsAttr>(operands.empty() ? Attribute() : operands[0]);
  if (!d)
    return failure();
  results.push_back(d.reshape(resultType(op)));
  return success();
}
} // namespace

// Exact integer arithmetic matters for shape math; ints go through int64.
#define EMLC_FOLD_BINARY(OP, EXPR)                                                                                     \
  LogicalResult OP::fold(FoldAdaptor adaptor, SmallVectorImpl<OpFoldResult> &results) {                                \
    return foldElementwise(*this, adaptor.getOperands(), results, [](ArrayRef<double> v) { return EXPR; });            \
  }
EMLC_FOLD_BINARY(AddOp, v[0] + v[1])
EMLC_FOLD_BINARY(SubOp, v[0] - v[1])
EMLC_FOLD_BINARY(MulOp, v[0] * v[1])
EMLC_FOLD_BINARY(DivOp, v[0] / v[1])
EMLC_FOLD_BINARY(EqualOp, double(v[0] == v[1]))
EMLC_FOLD_BINARY(WhereOp, v[0] != 0 ? v[1] : v[2])
EMLC_FOLD_BINARY(CastOp, v[0])
#undef EMLC_FOLD_BINARY

LogicalResult ExpandOp::fold(FoldAdaptor adaptor, SmallVectorImpl<OpFoldResult> &results) {
  return foldElementwise(*this, adaptor.getOperands().take_front(1), results, [](ArrayRef<double> v) { return v[0]; });
}

LogicalResult IdentityOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &results) {
  results.push_back(getOperand(0));
  return success();
}

LogicalResult ShapeOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &results) {
  auto in = llvm::dyn_cast<RankedTensorType>(getOperand(0).getType());
  if (!in)
    return failure();
  int64_t r = in.getRank();
  int64_t b = std::clamp<int64_t>(normalizeAxis(getStart(), r), 0, r);
  int64_t e = std::clamp<int64_t>(normalizeAxis(getEnd().value_or(r), r), 0, r);
  Lit l;
  for (int64_t i = b; i < e; ++i)
    l.i.push_back(in.getDimSize(i));
  results.push_back(toAttr(resultType(*this), l));
  return success();
}

LogicalResult ReshapeOp::fold(FoldAdaptor a, SmallVectorImpl<OpFoldResult> &r) {
  return foldReshapeLike(*this, a.getOperands(), r);
}
LogicalResult FlattenOp::fold(FoldAdaptor a, SmallVectorImpl<OpFoldResult> &r) {
  return foldReshapeLike(*this, a.getOperands(), r);
}
LogicalResult SqueezeOp::fold(FoldAdaptor a, SmallVectorImpl<OpFoldResult> &r) {
  return foldReshapeLike(*this, a.getOperands(), r);
}
LogicalResult UnsqueezeOp::fold(FoldAdaptor a, SmallVectorImpl<OpFoldResult> &r) {
  return foldReshapeLike(*this, a.getOperands(), r);
}

LogicalResult ConstantOfShapeOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &results) {
  ShapedType rt = resultType(*this);
  std::optional<DenseElementsAttr> value = getValue();
  if (!value) {
    results.push_back(DenseElementsAttr::get(rt, FloatAttr::get(rt.getElementType(), 0.0)));
    return success();
  }
  results.push_back(DenseElementsAttr::get(rt, value->getSplatValue<Attribute>()));
  return success();
}

LogicalResult RangeOp::fold(FoldAdaptor adaptor, SmallVectorImpl<OpFoldResult> &results) {
  auto s = Lit::from(adaptor.getOperands()[0]), d = Lit::from(adaptor.getOperands()[2]);
  if (!s || !d)
    return failure();
  ShapedType rt = resultType(*this);
  Lit out;
  out.isFloat = s->isFloat;
  for (int64_t k = 0; k < rt.getNumElements(); ++k) {
    if (out.isFloat)
      out.f.push_back(s->get(0) + k * d->get(0));
    else if (auto step = llvm::checkedMul(k, d->getI(0)), v = step ? llvm::checkedAdd(s->getI(0), *step) : step; v)
      out.i.push_back(*v); // inferRange counts exactly; checked all the same (the fold must never wrap)
    else
      return failure();
  }
  results.push_back(toAttr(rt, out));
  return success();
}

LogicalResult TransposeOp::fold(FoldAdaptor adaptor, SmallVectorImpl<OpFoldResult> &results) {
  auto in = Lit::from(adaptor.getOperands()[0]);
  if (!in)
    return failure();
  ShapedType rt = resultType(*this);
  int64_t r = in->shape.size();
  std::vector<int64_t> perm(r);
  std::iota(perm.rbegin(), perm.rend(), 0); // absent: reverse the axes
  if (auto p = getPerm())
    perm.assign(p->begin(), p->end());
  auto inStrides = rowMajorStrides(in->shape);
  Lit out;
  out.isFloat = in->isFloat;
  for (int64_t k = 0; k < rt.getNumElements(); ++k) {
    int64_t rem = k, off = 0;
    for (int64_t d = r - 1; d >= 0; --d) {
      int64_t idx = rem % rt.getDimSize(d);
      rem /= rt.getDimSize(d);
      off += idx * inStrides[perm[d]];
    }
    if (out.isFloat)
      out.f.push_back(in->f[off]);
    else
      out.i.push_back(in->i[off]);
  }
  results.push_back(toAttr(rt, out));
  return success();
}

/// Folds a gather/slice/concat expressed as "output index -> input (operand, offset)".
static LogicalResult foldIndexMap(Operation *op, ArrayRef<Lit> ins,
                                  function_ref<std::pair<int, int64_t>(ArrayRef<int64_t>)> map,
                                  SmallVectorImpl<OpFoldResult> &results) {
  ShapedType rt = resultType(op);
  Lit out;
  out.isFloat = ins[0].isFloat;
  SmallVector<int64_t> idx(rt.getRank(), 0);
  for (int64_t k = 0; k < rt.getNumElements(); ++k) {
    int64_t rem = k;
    for (int64_t d = rt.getRank() - 1; d >= 0; --d) {
      idx[d] = rem % rt.getDimSize(d);
      rem /= rt.getDimSize(d);
    }
    auto [which, off] = map(idx);
    if (out.isFloat)
      out.f.push_back(ins[which].f[off]);
    else
      out.i.push_back(ins[which].i[off]);
  }
  results.push_back(toAttr(rt, out));
  return success();
}

LogicalResult ConcatOp::fold(FoldAdaptor adaptor, SmallVectorImpl<OpFoldResult> &results) {
  SmallVector<Lit> ins;
  for (Attribute a : adaptor.getOperands()) {
    auto l = Lit::from(a);
    if (!l)
      return failure();
    ins.push_back(*l);
  }
  int64_t axis = normalizeAxis(getAxis(), resultType(*this).getRank());
  return foldIndexMap(
      *this, ins,
      [&](ArrayRef<int64_t> idx) {
        SmallVector<int64_t> i(idx.begin(), idx.end());
        int which = 0;
        while (i[axis] >= ins[which].shape[axis]) {
          i[axis] -= ins[which].shape[axis];
          ++which;
        }
        auto st = rowMajorStrides(ins[which].shape);
        int64_t off = 0;
        for (size_t d = 0; d < i.size(); ++d)
          off += i[d] * st[d];
        return std::make_pair(which, off);
      },
      results);
}

LogicalResult GatherOp::fold(FoldAdaptor adaptor, SmallVectorImpl<OpFoldResult> &results) {
  auto data = Lit::from(adaptor.getOperands()[0]), ind = Lit::from(adaptor.getOperands()[1]);
  if (!data || !ind)
    return failure();
  int64_t r = data->shape.size();
  int64_t axis = normalizeAxis(getAxis(), r);
  int64_t ir = ind->shape.size();
  auto st = rowMajorStrides(data->shape), ist = rowMajorStrides(ind->shape);
  for (int64_t k = 0; k < ind->size(); ++k) {
    int64_t v = ind->getI(k);
    if (v < -data->shape[axis] || v >= data->shape[axis])
      return failure();
  }
  return foldIndexMap(
      *this, {*data},
      [&](ArrayRef<int64_t> idx) {
        int64_t ioff = 0;
        for (int64_t d = 0; d < ir; ++d)
          ioff += idx[axis + d] * ist[d];
        int64_t g = ind->getI(ioff);
        if (g < 0)
          g += data->shape[axis];
        int64_t off = 0;
        for (int64_t d = 0; d < r; ++d) {
          int64_t i = d < axis ? idx[d] : d == axis ? g : idx[d - 1 + ir];
          off += i * st[d];
        }
        return std::make_pair(0, off);
      },
      results);
}

LogicalResult SliceOp::fold(FoldAdaptor adaptor, SmallVectorImpl<OpFoldResult> &results) {
  auto data = Lit::from(adaptor.getOperands()[0]);
  if (!data)
    return failure();
  auto starts = getConstInts(getOperand(1)), ends = getConstInts(getOperand(2));
  if (!starts || !ends)
    return failure();
  int64_t r = data->shape.size();
  std::vector<int64_t> axes(starts->size()), steps(starts->size(), 1);
  std::iota(axes.begin(), axes.end(), 0);
  if (getNumOperands() > 3 && !isNone(getOperand(3)))
    axes = getConstInts(getOperand(3)).value_or(axes);
  if (getNumOperands() > 4 && !isNone(getOperand(4)))
    steps = getConstInts(getOperand(4)).value_or(steps);
  SmallVector<int64_t> begin(r, 0), step(r, 1);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = normalizeAxis(axes[i], r), d = data->shape[a], b = (*starts)[i];
    if (b < 0)
      b += d;
    b = steps[i] > 0 ? std::clamp<int64_t>(b, 0, d) : std::clamp<int64_t>(b, 0, d - 1);
    begin[a] = b;
    step[a] = steps[i];
  }
  auto st = rowMajorStrides(data->shape);
  return foldIndexMap(
      *this, {*data},
      [&](ArrayRef<int64_t> idx) {
        int64_t off = 0;
        for (int64_t d = 0; d < r; ++d)
          off += (begin[d] + idx[d] * step[d]) * st[d];
        return std::make_pair(0, off);
      },
      results);
}

/// (De)quantization of constants, per tensor or per `axis`, with ONNX's
/// round-half-to-even and saturation for QuantizeLinear.
static LogicalResult foldQuant(Operation *op, int64_t axisAttr, ArrayRef<Attribute> operands,
                               SmallVectorImpl<OpFoldResult> &results, bool quantize) {
  auto x = Lit::from(operands[0]), scale = Lit::from(operands[1]);
  std::optional<Lit> zp;
  if (operands.size() > 2) {
    zp = Lit::from(operands[2]);
    if (!zp)
      return failure();
  }
  if (!x || !scale)
    return failure();
  ShapedType rt = resultType(op);
  int64_t r = x->shape.size();
  int64_t axis = normalizeAxis(axisAttr, r);
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < r; ++d)
    inner *= x->shape[d];
  bool perAxis = scale->size() > 1;
  Lit out;
  out.isFloat = !quantize;
  double lo = 0, hi = 255;
  if (auto it = llvm::dyn_cast<IntegerType>(rt.getElementType())) {
    lo = it.isUnsigned() ? 0 : -std::ldexp(1.0, it.getWidth() - 1);
    hi = it.isUnsigned() ? std::ldexp(1.0, it.getWidth()) - 1 : std::ldexp(1.0, it.getWidth() - 1) - 1;
  }
  for (int64_t k = 0; k < x->size(); ++k) {
    int64_t c = perAxis ? (k / inner) % x->shape[axis] : 0;
    double s = scale->get(c), z = zp ? zp->get(zp->size() > 1 ? c : 0) : 0;
    if (quantize)
      out.i.push_back((int64_t)std::clamp(std::nearbyint(x->get(k) / s) + z, lo, hi));
    else
      out.f.push_back((x->get(k) - z) * s);
  }
  results.push_back(toAttr(rt, out));
  return success();
}

LogicalResult DequantizeLinearOp::fold(FoldAdaptor a, SmallVectorImpl<OpFoldResult> &r) {
  return foldQuant(*this, getAxis(), a.getOperands(), r, false);
}
LogicalResult QuantizeLinearOp::fold(FoldAdaptor a, SmallVectorImpl<OpFoldResult> &r) {
  return foldQuant(*this, getAxis(), a.getOperands(), r, true);
}
