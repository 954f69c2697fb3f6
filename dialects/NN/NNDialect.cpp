//===- NNDialect.cpp - nn dialect registration, verifiers, folders --------===//

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

Operation *NNDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type,
                                          Location loc) {
  if (auto dense = llvm::dyn_cast<DenseElementsAttr>(value))
    return builder.create<arith::ConstantOp>(loc, type, dense);
  return nullptr;
}

#define GET_OP_CLASSES
#include "dialects/NN/NNOps.cpp.inc"

LogicalResult Conv2DOp::verify() {
  auto x = getInput().getType(), w = getWeight().getType(), y = getOutput().getType();
  if (x.getRank() != 4 || w.getRank() != 4 || y.getRank() != 4)
    return emitOpError("expects 4-D input, weight and output (NCHW)");
  if (getStrides().size() != 2 || getDilations().size() != 2 || getPads().size() != 4)
    return emitOpError("expects 2 strides, 2 dilations and 4 pads");
  int64_t g = getGroups();
  if (g <= 0 || x.getDimSize(1) != w.getDimSize(1) * g || w.getDimSize(0) % g)
    return emitOpError("input channels ") << x.getDimSize(1) << " do not match weight channels "
                                          << w.getDimSize(1) << " x groups " << g;
  if (y.getDimSize(1) != w.getDimSize(0))
    return emitOpError("output channels differ from the weight's first dimension");
  for (int i = 0; i < 2; ++i) {
    int64_t eff = (w.getDimSize(2 + i) - 1) * getDilations()[i] + 1;
    int64_t expect = (x.getDimSize(2 + i) + getPads()[i] + getPads()[i + 2] - eff) / getStrides()[i] + 1;
    if (y.getDimSize(2 + i) != expect)
      return emitOpError("output spatial size ") << y.getDimSize(2 + i) << " should be " << expect;
  }
  if (getBias() && getBias().getType().getNumElements() != w.getDimSize(0))
    return emitOpError("bias must have one value per output channel");
  return success();
}

LogicalResult FullyConnectedOp::verify() {
  auto x = getInput().getType(), w = getWeight().getType(), y = getOutput().getType();
  if (x.getRank() != 2 || w.getRank() != 2 || y.getRank() != 2)
    return emitOpError("expects 2-D input, weight and output");
  if (x.getDimSize(1) != w.getDimSize(1))
    return emitOpError("input has K = ") << x.getDimSize(1) << ", weight has K = " << w.getDimSize(1);
  if (y.getDimSize(0) != x.getDimSize(0) || y.getDimSize(1) != w.getDimSize(0))
    return emitOpError("output must be [M, N]");
  return success();
}

LogicalResult TransposeOp::verify() {
  auto perm = getPerm();
  auto x = getInput().getType();
  if ((int64_t)perm.size() != x.getRank())
    return emitOpError("perm has ") << perm.size() << " entries for rank " << x.getRank();
  std::vector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= (int64_t)perm.size() || seen[p])
      return emitOpError("perm is not a permutation");
    seen[p] = true;
  }
  return success();
}

LogicalResult ReshapeOp::verify() {
  if (getInput().getType().getNumElements() != getOutput().getType().getNumElements())
    return emitOpError("changes the number of elements");
  if (getInput().getType().getElementType() != getOutput().getType().getElementType())
    return emitOpError("changes the element type");
  return success();
}

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
