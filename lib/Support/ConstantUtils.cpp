//===- ConstantUtils.cpp - building and reshaping constant tensors --------===//

#include "emlc/Support/ConstantUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace emlc {

DenseElementsAttr transposeConstant(DenseElementsAttr attr, ArrayRef<int64_t> perm) {
  auto type = attr.getType();
  SmallVector<int64_t> outShape;
  for (int64_t p : perm)
    outShape.push_back(type.getDimSize(p));
  auto outType = RankedTensorType::get(outShape, type.getElementType());
  if (attr.isSplat())
    return DenseElementsAttr::get(outType, attr.getSplatValue<Attribute>());
  SmallVector<Attribute> in(attr.getValues<Attribute>());
  int64_t r = type.getRank();
  SmallVector<int64_t> inStrides = rowMajorStrides(type.getShape());
  SmallVector<Attribute> out(in.size());
  SmallVector<int64_t> idx(r, 0);
  for (size_t k = 0; k < in.size(); ++k) {
    int64_t off = 0;
    for (int64_t d = 0; d < r; ++d)
      off += idx[d] * inStrides[perm[d]];
    out[k] = in[off];
    for (int64_t d = r - 1; d >= 0; --d) {
      if (++idx[d] < outShape[d])
        break;
      idx[d] = 0;
    }
  }
  return DenseElementsAttr::get(outType, out);
}

std::vector<float> floatValues(DenseElementsAttr attr) {
  std::vector<float> out;
  out.reserve(attr.getNumElements());
  // Integer data by value: reading it through APFloat iterators reads the wrong bytes (emlc-fuzz, ASan).
  if (auto it = llvm::dyn_cast<IntegerType>(attr.getElementType())) {
    for (const APInt &v : attr.getValues<APInt>())
      out.push_back(it.isUnsigned() || it.getWidth() == 1 ? (float)v.getZExtValue() : (float)v.getSExtValue());
    return out;
  }
  for (const APFloat &v : attr.getValues<APFloat>())
    out.push_back((float)v.convertToDouble());
  return out;
}

DenseElementsAttr f32Constant(MLIRContext *ctx, ArrayRef<int64_t> shape, ArrayRef<float> values) {
  return DenseElementsAttr::get(RankedTensorType::get(shape, Float32Type::get(ctx)), values);
}

DenseElementsAttr f32ConstantOf(Value v) {
  auto c = v ? v.getDefiningOp<arith::ConstantOp>() : nullptr;
  auto a = c ? llvm::dyn_cast<DenseElementsAttr>(c.getValue()) : nullptr;
  return a && a.getElementType().isF32() ? a : nullptr;
}

DenseElementsAttr selectAlong(DenseElementsAttr attr, int64_t dim, ArrayRef<int64_t> kept) {
  ArrayRef<int64_t> shape = attr.getType().getShape();
  std::vector<float> in = floatValues(attr);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d)
    outer *= shape[d];
  for (int64_t d = dim + 1; d < (int64_t)shape.size(); ++d)
    inner *= shape[d];
  std::vector<float> out;
  out.reserve(outer * kept.size() * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k : kept)
      out.insert(out.end(), in.begin() + (o * shape[dim] + k) * inner, in.begin() + (o * shape[dim] + k + 1) * inner);
  SmallVector<int64_t> outShape(shape);
  outShape[dim] = (int64_t)kept.size();
  return f32Constant(attr.getContext(), outShape, out);
}

std::string nodeName(Location loc) {
  if (auto n = llvm::dyn_cast<NameLoc>(loc))
    return n.getName().str();
  if (auto f = llvm::dyn_cast<FusedLoc>(loc))
    for (Location inner : f.getLocations())
      if (std::string s = nodeName(inner); !s.empty())
        return s;
  return "";
}

} // namespace emlc
