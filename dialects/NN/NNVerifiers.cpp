//===- NNVerifiers.cpp - cross-operand rules of the nn ops -----------------===//
//
// ODS checks each operand and attribute alone; these check them together:
// ranks, channel counts, window attribute sizes and signs, axes in range,
// result shapes that follow from the operands, and quantized element types
// that agree (an op computes either on !quant.uniform values throughout or on
// none). Passes and kernels may rely on every rule here.
//
//===----------------------------------------------------------------------===//

#include "dialects/NN/NNDialect.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace emlc::nn;

namespace {
bool isQuantized(Type t) { return llvm::isa<quant::QuantizedType>(getElementTypeOrSelf(t)); }

/// Either every value is quantized or none is.
LogicalResult quantizedAlike(Operation *op, TypeRange types) {
  auto quantized = llvm::count_if(types, isQuantized);
  if (quantized != 0 && quantized != (int64_t)types.size())
    return op->emitOpError("mixes quantized and non-quantized operands and results");
  return success();
}

LogicalResult clampOrdered(Operation *op, std::optional<APFloat> lo, std::optional<APFloat> hi) {
  if (lo && hi && lo->compare(*hi) == APFloat::cmpGreaterThan)
    return op->emitOpError("act_min is above act_max");
  return success();
}

/// 2 strides and dilations (positive) and 4 pads (top, left, bottom, right).
LogicalResult window2D(Operation *op, ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads) {
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return op->emitOpError("expects 2 strides, 2 dilations and 4 pads");
  if (llvm::any_of(strides, [](int64_t s) { return s <= 0; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d <= 0; }))
    return op->emitOpError("strides and dilations must be positive");
  return success();
}

LogicalResult nonNegativePads(Operation *op, ArrayRef<int64_t> pads) {
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return op->emitOpError("pads must not be negative");
  return success();
}

/// floor((in + pads - effective window) / stride) + 1 for spatial axis i.
int64_t windowOutput(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t padBegin, int64_t padEnd) {
  return (in + padBegin + padEnd - ((kernel - 1) * dilation + 1)) / stride + 1;
}

LogicalResult axisIn(Operation *op, int64_t axis, int64_t rank, StringRef what = "axis") {
  if (axis < 0 || axis >= rank)
    return op->emitOpError() << what << " " << axis << " is out of range for rank " << rank;
  return success();
}
} // namespace

LogicalResult Conv2DOp::verify() {
  auto x = getInput().getType(), w = getWeight().getType(), y = getOutput().getType();
  if (x.getRank() != 4 || w.getRank() != 4 || y.getRank() != 4)
    return emitOpError("expects 4-D input, weight and output (NCHW)");
  if (failed(window2D(*this, getStrides(), getDilations(), getPads())) || failed(nonNegativePads(*this, getPads())))
    return failure();
  int64_t g = getGroups();
  if (g <= 0 || x.getDimSize(1) != w.getDimSize(1) * g || w.getDimSize(0) % g)
    return emitOpError("input channels ")
           << x.getDimSize(1) << " do not match weight channels " << w.getDimSize(1) << " x groups " << g;
  if (y.getDimSize(0) != x.getDimSize(0))
    return emitOpError("output batch differs from the input's");
  if (y.getDimSize(1) != w.getDimSize(0))
    return emitOpError("output channels differ from the weight's first dimension");
  for (int i = 0; i < 2; ++i) {
    int64_t expect = windowOutput(x.getDimSize(2 + i), w.getDimSize(2 + i), getStrides()[i], getDilations()[i],
                                  getPads()[i], getPads()[i + 2]);
    if (y.getDimSize(2 + i) != expect)
      return emitOpError("output spatial size ") << y.getDimSize(2 + i) << " should be " << expect;
  }
  if (getBias() && getBias().getType().getNumElements() != w.getDimSize(0))
    return emitOpError("bias must have one value per output channel");
  if (failed(quantizedAlike(*this, {x, w, y})))
    return failure();
  return clampOrdered(*this, getActMin(), getActMax());
}

LogicalResult ConvTranspose2DOp::verify() {
  auto x = getInput().getType(), w = getWeight().getType(), y = getOutput().getType();
  if (x.getRank() != 4 || w.getRank() != 4 || y.getRank() != 4)
    return emitOpError("expects 4-D input, weight and output (NCHW)");
  // The end pads may be negative: an output_shape beyond the full output extends it.
  if (failed(window2D(*this, getStrides(), getDilations(), getPads())) ||
      failed(nonNegativePads(*this, getPads().take_front(2))))
    return failure();
  int64_t g = getGroups();
  if (g <= 0 || x.getDimSize(1) != w.getDimSize(0) || w.getDimSize(0) % g)
    return emitOpError("input channels ") << x.getDimSize(1) << " do not match the weight's first dimension "
                                          << w.getDimSize(0) << " (groups " << g << ")";
  if (y.getDimSize(0) != x.getDimSize(0) || y.getDimSize(1) != w.getDimSize(1) * g)
    return emitOpError("output must be [N, weight channels x groups, ...]");
  if (getBias() && getBias().getType().getNumElements() != y.getDimSize(1))
    return emitOpError("bias must have one value per output channel");
  return quantizedAlike(*this, {x, w, y});
}

LogicalResult FullyConnectedOp::verify() {
  auto x = getInput().getType(), w = getWeight().getType(), y = getOutput().getType();
  if (x.getRank() != 2 || w.getRank() != 2 || y.getRank() != 2)
    return emitOpError("expects 2-D input, weight and output");
  if (x.getDimSize(1) != w.getDimSize(1))
    return emitOpError("input has K = ") << x.getDimSize(1) << ", weight has K = " << w.getDimSize(1);
  if (y.getDimSize(0) != x.getDimSize(0) || y.getDimSize(1) != w.getDimSize(0))
    return emitOpError("output must be [M, N]");
  if (getBias() && getBias().getType().getNumElements() != w.getDimSize(0))
    return emitOpError("bias must have one value per output");
  if (failed(quantizedAlike(*this, {x, w, y})))
    return failure();
  return clampOrdered(*this, getActMin(), getActMax());
}

LogicalResult MatMulOp::verify() {
  auto a = getLhs().getType(), b = getRhs().getType(), y = getOutput().getType();
  if (a.getRank() < 2 || b.getRank() < 2)
    return emitOpError("expects operands of rank >= 2");
  if (a.getShape().back() != b.getDimSize(b.getRank() - 2))
    return emitOpError("inner dimensions differ: ") << a.getShape().back() << " vs " << b.getDimSize(b.getRank() - 2);
  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(a.getShape().drop_back(2), b.getShape().drop_back(2), batch))
    return emitOpError("batch dimensions do not broadcast");
  batch.push_back(a.getDimSize(a.getRank() - 2));
  batch.push_back(b.getShape().back());
  if (y.getShape() != ArrayRef<int64_t>(batch))
    return emitOpError("output shape does not follow from the operands");
  return quantizedAlike(*this, {a, b, y});
}

LogicalResult UnaryOp::verify() {
  if (getInput().getType().getShape() != getOutput().getType().getShape())
    return emitOpError("changes the shape");
  return quantizedAlike(*this, {getInput().getType(), getOutput().getType()});
}

LogicalResult BinaryOp::verify() {
  auto a = getLhs().getType(), b = getRhs().getType(), y = getOutput().getType();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(a.getShape(), b.getShape(), shape))
    return emitOpError("operands do not broadcast");
  if (y.getShape() != ArrayRef<int64_t>(shape))
    return emitOpError("output shape is not the operands' broadcast shape");
  if (failed(quantizedAlike(*this, {a, b, y})))
    return failure();
  return clampOrdered(*this, getActMin(), getActMax());
}

LogicalResult Pool2DOp::verify() {
  auto x = getInput().getType(), y = getOutput().getType();
  if (x.getRank() != 4 || y.getRank() != 4)
    return emitOpError("expects 4-D input and output (NCHW)");
  if (getKernel().size() != 2 || llvm::any_of(getKernel(), [](int64_t k) { return k <= 0; }))
    return emitOpError("expects 2 positive kernel sizes");
  if (failed(window2D(*this, getStrides(), getDilations(), getPads())) || failed(nonNegativePads(*this, getPads())))
    return failure();
  if (y.getDimSize(0) != x.getDimSize(0) || y.getDimSize(1) != x.getDimSize(1))
    return emitOpError("changes the batch or channel count");
  for (int i = 0; i < 2; ++i) {
    int64_t expect = windowOutput(x.getDimSize(2 + i), getKernel()[i], getStrides()[i], getDilations()[i], getPads()[i],
                                  getPads()[i + 2]);
    if (y.getDimSize(2 + i) != expect)
      return emitOpError("output spatial size ") << y.getDimSize(2 + i) << " should be " << expect;
  }
  return quantizedAlike(*this, {x, y});
}

LogicalResult ReduceOp::verify() {
  auto x = getInput().getType(), y = getOutput().getType();
  if (y.getRank() != x.getRank())
    return emitOpError("keeps reduced axes as size 1: the output rank must be the input's");
  int64_t prev = -1;
  SmallVector<int64_t> expect(x.getShape());
  for (int64_t a : getAxes()) {
    if (failed(axisIn(*this, a, x.getRank())))
      return failure();
    if (a <= prev)
      return emitOpError("axes must be sorted and distinct");
    prev = a;
    expect[a] = 1;
  }
  if (y.getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("output shape does not follow from the reduced axes");
  return success();
}

LogicalResult SoftmaxOp::verify() {
  if (getInput().getType().getShape() != getOutput().getType().getShape())
    return emitOpError("changes the shape");
  if (failed(axisIn(*this, getAxis(), getInput().getType().getRank())))
    return failure();
  return quantizedAlike(*this, {getInput().getType(), getOutput().getType()});
}

LogicalResult NormalizeOp::verify() {
  auto x = getInput().getType();
  if (failed(axisIn(*this, getAxis(), x.getRank())))
    return failure();
  if (getOutput().getType().getShape() != x.getShape())
    return emitOpError("changes the shape");
  SmallVector<int64_t> stat(x.getShape());
  for (int64_t i = getAxis(); i < x.getRank(); ++i)
    stat[i] = 1;
  if (getMean().getType().getShape() != ArrayRef<int64_t>(stat) ||
      getInvStdDev().getType().getShape() != ArrayRef<int64_t>(stat))
    return emitOpError("mean and inv_std_dev must be the input's shape with the normalized axes 1");
  return success();
}

LogicalResult TransposeOp::verify() {
  auto perm = getPerm();
  auto x = getInput().getType();
  if ((int64_t)perm.size() != x.getRank())
    return emitOpError("perm has ") << perm.size() << " entries for rank " << x.getRank();
  std::vector<bool> seen(perm.size(), false);
  SmallVector<int64_t> expect;
  for (int64_t p : perm) {
    if (p < 0 || p >= (int64_t)perm.size() || seen[p])
      return emitOpError("perm is not a permutation");
    seen[p] = true;
    expect.push_back(x.getDimSize(p));
  }
  if (getOutput().getType().getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("output shape is not the permuted input shape");
  return success();
}

LogicalResult ReshapeOp::verify() {
  if (getInput().getType().getNumElements() != getOutput().getType().getNumElements())
    return emitOpError("changes the number of elements");
  if (getInput().getType().getElementType() != getOutput().getType().getElementType())
    return emitOpError("changes the element type");
  return success();
}

LogicalResult ConcatOp::verify() {
  auto y = getOutput().getType();
  if (getInputs().empty())
    return emitOpError("expects at least one input");
  if (failed(axisIn(*this, getAxis(), y.getRank())))
    return failure();
  int64_t axis = getAxis(), total = 0;
  for (Value v : getInputs()) {
    auto t = llvm::cast<RankedTensorType>(v.getType());
    if (t.getRank() != y.getRank())
      return emitOpError("inputs must have the output's rank");
    if (t.getElementType() != y.getElementType())
      return emitOpError("inputs must have the output's element type");
    for (int64_t d = 0; d < y.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != y.getDimSize(d))
        return emitOpError("input dimension ") << d << " differs from the output's off the concat axis";
    total += t.getDimSize(axis);
  }
  if (total != y.getDimSize(axis))
    return emitOpError("inputs add up to ") << total << " along the axis, the output has " << y.getDimSize(axis);
  return success();
}

LogicalResult SliceOp::verify() {
  auto x = getInput().getType(), y = getOutput().getType();
  if (y.getRank() != x.getRank() || (int64_t)getStarts().size() != x.getRank() ||
      (int64_t)getSteps().size() != x.getRank())
    return emitOpError("expects one start and step per axis of the input, and an output of the same rank");
  for (int64_t d = 0; d < x.getRank(); ++d) {
    int64_t start = getStarts()[d], step = getSteps()[d], n = y.getDimSize(d);
    if (step == 0)
      return emitOpError("step of axis ") << d << " is 0";
    if (n == 0)
      continue;
    int64_t last = start + (n - 1) * step;
    if (start < 0 || start >= x.getDimSize(d) || last < 0 || last >= x.getDimSize(d))
      return emitOpError("axis ") << d << " reads outside the input";
  }
  return success();
}

LogicalResult PadOp::verify() {
  auto x = getInput().getType(), y = getOutput().getType();
  StringRef mode = getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return emitOpError("mode must be constant, reflect or edge");
  if ((int64_t)getPads().size() != 2 * x.getRank() || y.getRank() != x.getRank())
    return emitOpError("expects 2 x rank pads and an output of the input's rank");
  if (failed(nonNegativePads(*this, getPads())))
    return failure();
  for (int64_t d = 0; d < x.getRank(); ++d)
    if (y.getDimSize(d) != x.getDimSize(d) + getPads()[d] + getPads()[d + x.getRank()])
      return emitOpError("output dimension ") << d << " is not the padded input's";
  return success();
}

LogicalResult GatherOp::verify() {
  auto x = getInput().getType(), idx = getIndices().getType();
  if (failed(axisIn(*this, getAxis(), x.getRank())))
    return failure();
  if (!llvm::isa<IntegerType>(idx.getElementType()))
    return emitOpError("indices must be integers");
  int64_t axis = getAxis();
  SmallVector<int64_t> expect(x.getShape().take_front(axis));
  expect.append(idx.getShape().begin(), idx.getShape().end());
  expect.append(x.getShape().begin() + axis + 1, x.getShape().end());
  if (getOutput().getType().getShape() != ArrayRef<int64_t>(expect))
    return emitOpError("output shape does not follow from input, indices and axis");
  return success();
}

LogicalResult CastOp::verify() {
  if (getInput().getType().getShape() != getOutput().getType().getShape())
    return emitOpError("changes the shape");
  return success();
}

LogicalResult ResizeOp::verify() {
  auto x = getInput().getType(), y = getOutput().getType();
  StringRef mode = getMode();
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitOpError("mode must be nearest, linear or cubic");
  if (y.getRank() != x.getRank() || (int64_t)getScales().size() != x.getRank())
    return emitOpError("expects one scale per axis and an output of the input's rank");
  if (llvm::any_of(getScales(), [](float s) { return !(s > 0); }))
    return emitOpError("scales must be positive");
  return success();
}
