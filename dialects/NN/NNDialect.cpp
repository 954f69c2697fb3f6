//===- NNDialect.cpp - nn dialect registration and folders ----------------===//
//
// The verifiers are in NNVerifiers.cpp.
//
//===----------------------------------------------------------------------===//

#include "dialects/NN/NNDialect.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace emlc::nn;

#include "dialects/NN/NNDialect.cpp.inc"
#include "dialects/NN/NNEnums.cpp.inc"

void NNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/NN/NNOps.cpp.inc"
      >();
}

Operation *NNDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type, Location loc) {
  if (auto dense = llvm::dyn_cast<DenseElementsAttr>(value))
    return builder.create<arith::ConstantOp>(loc, type, dense);
  return nullptr;
}

#define GET_OP_CLASSES
#include "dialects/NN/NNOps.cpp.inc"

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  if (auto c = llvm::dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return c.reshape(getOutput().getType());
  // reshape(reshape(x)) -> reshape(x)
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  if (llvm::all_of(getPads(), [](int64_t p) { return p == 0; }))
    return getInput();
  return {};
}

int64_t emlc::nn::countMACs(Operation *op) {
  auto shape = [](Value v) { return llvm::cast<ShapedType>(v.getType()).getShape(); };
  auto elems = [](Value v) { return llvm::cast<ShapedType>(v.getType()).getNumElements(); };
  if (auto c = llvm::dyn_cast<Conv2DOp>(op)) {
    auto w = shape(c.getWeight());
    return elems(c.getOutput()) * w[1] * w[2] * w[3];
  }
  if (auto c = llvm::dyn_cast<ConvTranspose2DOp>(op)) {
    auto w = shape(c.getWeight());
    return elems(c.getInput()) * w[1] * w[2] * w[3];
  }
  if (auto f = llvm::dyn_cast<FullyConnectedOp>(op))
    return shape(f.getInput())[0] * elems(f.getWeight());
  if (auto m = llvm::dyn_cast<MatMulOp>(op))
    return elems(m.getOutput()) * shape(m.getLhs()).back();
  return 0;
}
