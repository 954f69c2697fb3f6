//===- ConstantUtils.h - building and reshaping constant tensors -*- C++ -*-===//
#ifndef EMLC_SUPPORT_CONSTANTUTILS_H
#define EMLC_SUPPORT_CONSTANTUTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Value.h"
#include <string>
#include <vector>

namespace emlc {
/// Element strides of a dense row-major tensor of `shape`.
inline llvm::SmallVector<int64_t> rowMajorStrides(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t> s(shape.size(), 1);
  for (int i = (int)shape.size() - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}
/// The elements of `attr` permuted by `perm` (like numpy.transpose).
mlir::DenseElementsAttr transposeConstant(mlir::DenseElementsAttr attr, llvm::ArrayRef<int64_t> perm);
/// Float elements of a constant as a flat vector (any float type).
std::vector<float> floatValues(mlir::DenseElementsAttr attr);
/// A float32 constant of `shape` from values.
mlir::DenseElementsAttr f32Constant(mlir::MLIRContext *ctx, llvm::ArrayRef<int64_t> shape,
                                    llvm::ArrayRef<float> values);
/// The f32 constant `v` is (an arith.constant), or null.
mlir::DenseElementsAttr f32ConstantOf(mlir::Value v);
/// `attr` (float32) with only the positions `kept` (sorted) along `dim`.
mlir::DenseElementsAttr selectAlong(mlir::DenseElementsAttr attr, int64_t dim, llvm::ArrayRef<int64_t> kept);
/// The ONNX node name a location carries (a NameLoc, possibly fused), or "".
std::string nodeName(mlir::Location loc);
} // namespace emlc

#endif
