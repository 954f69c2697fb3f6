//===- LowerDataMovement.cpp - reshapes, slices, concat, pad, resize -> nn ===//
//
// Reshape-like ops become nn.reshape (views), Identity and Dropout disappear;
// Slice/Split become nn.slice with explicit starts and steps; DepthToSpace and
// SpaceToDepth are reshape/transpose/reshape; Expand is an add of zeros.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include <numeric>

using namespace mlir;
using namespace emlc;
using namespace emlc::lowering;

namespace {

LogicalResult lowerPad(Lowerer &L, onnx::PadOp op) {
  auto pads = getConstInts(L.in(1));
  StringRef mode = op.getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return L.fail("pad mode '" + mode + "' is not supported");
  float value = 0;
  if (L.has(2)) {
    auto c = getConstant(L.in(2));
    if (!c)
      return L.failNeedsConstant("the pad value must be a constant");
    value = llvm::isa<FloatType>(c.getElementType()) ? floatValues(c)[0]
                                                     : (float)(*c.getValues<APInt>().begin()).getSExtValue();
  }
  for (int64_t p : *pads)
    if (p < 0)
      return L.fail("negative pads (cropping) are not supported");
  L.replace({L.rw.create<nn::PadOp>(L.loc, L.outType(), L.in(0), L.rw.getStringAttr(mode),
                                    L.rw.getDenseI64ArrayAttr(*pads), L.rw.getF32FloatAttr(value))});
  return success();
}

LogicalResult lowerSlice(Lowerer &L, onnx::SliceOp) {
  Shape xs = L.shape(L.in(0));
  auto starts = *getConstInts(L.in(1));
  std::vector<int64_t> axes(starts.size()), steps(starts.size(), 1);
  std::iota(axes.begin(), axes.end(), 0);
  if (L.has(3))
    axes = *getConstInts(L.in(3));
  if (L.has(4))
    steps = *getConstInts(L.in(4));
  SmallVector<int64_t> begin(xs.size(), 0), step(xs.size(), 1);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = onnx::normalizeAxis(axes[i], xs.size()), d = xs[a], b = starts[i];
    if (b < 0)
      b += d;
    b = steps[i] > 0 ? std::clamp<int64_t>(b, 0, d) : std::clamp<int64_t>(b, 0, d - 1);
    begin[a] = b;
    // A step as long as the axis or longer takes one element at most: bounded by the axis, it selects the same
    // elements and the strides the kernels and the interpreter compute from it (dim stride x step) cannot
    // overflow.
    step[a] = std::clamp<int64_t>(steps[i], -std::max<int64_t>(d, 1), std::max<int64_t>(d, 1));
  }
  L.replace({L.rw.create<nn::SliceOp>(L.loc, L.outType(), L.in(0), L.rw.getDenseI64ArrayAttr(begin),
                                      L.rw.getDenseI64ArrayAttr(step))});
  return success();
}

LogicalResult lowerSplit(Lowerer &L, onnx::SplitOp op) {
  int64_t r = L.outType().getRank();
  int64_t axis = onnx::normalizeAxis(op.getAxis(), r);
  SmallVector<Value> outs;
  int64_t off = 0;
  for (Value res : L.op->getResults()) {
    SmallVector<int64_t> begin(r, 0), step(r, 1);
    begin[axis] = off;
    off += L.type(res).getDimSize(axis);
    outs.push_back(L.rw.create<nn::SliceOp>(L.loc, res.getType(), L.in(0), L.rw.getDenseI64ArrayAttr(begin),
                                            L.rw.getDenseI64ArrayAttr(step)));
  }
  L.replace(outs);
  return success();
}

LogicalResult lowerResize(Lowerer &L, onnx::ResizeOp op) {
  Shape xs = L.shape(L.in(0)), ys(L.outType().getShape());
  StringRef mode = op.getMode();
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return L.fail("resize mode '" + mode + "' is not supported (nearest, linear, cubic)");
  StringRef coord = op.getCoordinateTransformationMode();
  if (coord == "tf_crop_and_resize")
    return L.fail("coordinate_transformation_mode tf_crop_and_resize is not supported");
  std::vector<float> scales;
  if (L.has(2) && L.type(L.in(2)).getNumElements() > 0) {
    auto given = onnx::getConstFloats(L.in(2)); // shape inference checked it: float, constant, one per axis
    if (!given || given->size() != xs.size())
      return L.fail("scales must be a float constant with one entry per axis");
    scales.assign(given->begin(), given->end());
  } else
    for (size_t i = 0; i < xs.size(); ++i)
      scales.push_back((float)ys[i] / xs[i]);
  auto r = L.rw.create<nn::ResizeOp>(L.loc, L.outType(), L.in(0), L.rw.getStringAttr(mode), L.rw.getStringAttr(coord),
                                     L.rw.getStringAttr(op.getNearestMode()), L.rw.getDenseF32ArrayAttr(scales),
                                     L.rw.getF32FloatAttr(op.getCubicCoeffA()));
  if (op.getExcludeOutside())
    r->setAttr("exclude_outside", L.rw.getUnitAttr());
  L.replace({r});
  return success();
}

/// DCR: [N, b, b, C, H, W] -> [N, C, H, b, W, b]; CRD: [N, C, b, b, H, W] -> the same.
LogicalResult lowerDepthToSpace(Lowerer &L, onnx::DepthToSpaceOp op) {
  Shape x = L.shape(L.in(0));
  int64_t b = op.getBlocksize(), c = x[1] / (b * b);
  bool crd = op.getMode() == "CRD";
  Value v = crd ? L.reshape(L.in(0), {x[0], c, b, b, x[2], x[3]}) : L.reshape(L.in(0), {x[0], b, b, c, x[2], x[3]});
  v = crd ? L.transpose(v, {0, 1, 4, 2, 5, 3}) : L.transpose(v, {0, 3, 4, 1, 5, 2});
  L.replace({L.reshape(v, L.outType().getShape())});
  return success();
}

LogicalResult lowerSpaceToDepth(Lowerer &L, onnx::SpaceToDepthOp op) {
  Shape x = L.shape(L.in(0));
  int64_t b = op.getBlocksize();
  Value v = L.reshape(L.in(0), {x[0], x[1], x[2] / b, b, x[3] / b, b});
  v = L.transpose(v, {0, 3, 5, 1, 2, 4});
  L.replace({L.reshape(v, L.outType().getShape())});
  return success();
}
} // namespace

namespace emlc::lowering {
void addDataMovementLowerings(LoweringTable &t) {
  using namespace onnx;
  t.addAll<ReshapeOp, FlattenOp, SqueezeOp, UnsqueezeOp>([](Lowerer &L, auto) {
    L.replace({L.reshape(L.in(0), L.outType().getShape())});
    return success();
  });
  t.addAll<IdentityOp, DropoutOp>([](Lowerer &L, auto) {
    L.op->getResult(0).replaceAllUsesWith(L.in(0));
    if (L.op->getNumResults() > 1) { // Dropout's mask: all true in inference
      auto mt = L.type(L.op->getResult(1));
      L.op->getResult(1).replaceAllUsesWith(
          L.constant(DenseElementsAttr::get(mt, L.rw.getIntegerAttr(mt.getElementType(), 1))));
    }
    return success();
  });
  t.add<TransposeOp>([](Lowerer &L, TransposeOp op) {
    std::vector<int64_t> perm(L.outType().getRank());
    std::iota(perm.rbegin(), perm.rend(), 0); // absent: reverse the axes
    if (auto p = op.getPerm())
      perm.assign(p->begin(), p->end());
    L.replace({L.transpose(L.in(0), perm)});
    return success();
  });
  t.add<ConcatOp>([](Lowerer &L, ConcatOp op) {
    int64_t axis = onnx::normalizeAxis(op.getAxis(), L.outType().getRank());
    SmallVector<Value> ins;
    for (Value v : L.op->getOperands())
      if (L.type(v).getNumElements() > 0)
        ins.push_back(v);
    L.replace({L.rw.create<nn::ConcatOp>(L.loc, L.outType(), ins, L.rw.getI64IntegerAttr(axis))});
    return success();
  });
  t.add<PadOp>(lowerPad);
  t.add<SliceOp>(lowerSlice);
  t.add<SplitOp>(lowerSplit);
  t.add<GatherOp>([](Lowerer &L, GatherOp op) {
    int64_t axis = onnx::normalizeAxis(op.getAxis(), L.shape(L.in(0)).size());
    L.replace({L.rw.create<nn::GatherOp>(L.loc, L.outType(), L.in(0), L.in(1), L.rw.getI64IntegerAttr(axis))});
    return success();
  });
  t.add<ExpandOp>([](Lowerer &L, ExpandOp) {
    Value zero =
        L.constant(DenseElementsAttr::get(RankedTensorType::get(L.outType().getShape(), L.outType().getElementType()),
                                          L.rw.getZeroAttr(L.outType().getElementType())));
    L.replace({L.binary(nn::BinaryKind::add, L.in(0), zero)});
    return success();
  });
  t.add<ResizeOp>(lowerResize);
  t.add<DepthToSpaceOp>(lowerDepthToSpace);
  t.add<SpaceToDepthOp>(lowerSpaceToDepth);
}
} // namespace emlc::lowering
