//===- ConstantUtils.cpp - building and reshaping constant tensors --------===//

#include "emlc/Support/ConstantUtils.h"

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
  for (const APFloat &v : attr.getValues<APFloat>())
    out.push_back((float)v.convertToDouble());
  return out;
}

DenseElementsAttr f32Constant(MLIRContext *ctx, ArrayRef<int64_t> shape, ArrayRef<float> values) {
  return DenseElementsAttr::get(RankedTensorType::get(shape, Float32Type::get(ctx)), values);
}

} // namespace emlc
