//===- ONNXShapeInference.h - shared pieces of the ops' inferReturnTypes -*- C++ -*-===//
//
// Every onnx op infers its static result types (InferTypeOpInterface) from
// static operand shapes, its attributes and constant operands; the rules live
// per op family in ONNXShape{Compute,Elementwise,DataMovement}.cpp. Errors name
// what is missing (e.g. a Reshape target computed at run time); those that a
// constant operand would avoid carry the --input-value hint as a note.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_DIALECTS_ONNX_ONNXSHAPEINFERENCE_H
#define EMLC_DIALECTS_ONNX_ONNXSHAPEINFERENCE_H

#include "dialects/ONNX/ONNXAttrUtils.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "mlir/IR/Diagnostics.h"

namespace emlc::onnx {

using Shape = llvm::SmallVector<int64_t>;

/// Operands and results of one inference, with the ways it fails.
struct Shapes {
  std::optional<mlir::Location> loc;
  mlir::ValueRange operands;
  llvm::SmallVectorImpl<mlir::Type> &results;

  mlir::LogicalResult fail(const llvm::Twine &msg) const { return mlir::emitOptionalError(loc, msg); }
  /// A failure a constant operand would avoid.
  mlir::LogicalResult failNeedsConstant(const llvm::Twine &msg) const {
    if (loc) {
      auto diag = mlir::emitError(*loc, msg);
      noteNeedsConstant(diag);
    }
    return mlir::failure();
  }
  bool has(unsigned i) const { return i < operands.size() && !isNone(operands[i]); }
  mlir::RankedTensorType type(unsigned i) const { return llvm::cast<mlir::RankedTensorType>(operands[i].getType()); }
  Shape shape(unsigned i) const { return Shape(type(i).getShape()); }
  mlir::Type elem(unsigned i) const { return type(i).getElementType(); }
  mlir::MLIRContext *ctx() const { return operands[0].getContext(); }
  void add(llvm::ArrayRef<int64_t> s, mlir::Type e) { results.push_back(mlir::RankedTensorType::get(s, e)); }
  /// The result has operand 0's type.
  mlir::LogicalResult same() {
    results.push_back(operands[0].getType());
    return mlir::success();
  }
};

/// Runs `fn(Shapes &, OpT::Adaptor)` (or `fn(Shapes &)`) once every operand is
/// known to have a static shape. Without `props` (the importer asks before the
/// op exists) the adaptor reads the attributes from `attrs`, with the op's
/// defaults filled in as op creation would.
template <typename OpT, typename Fn>
mlir::LogicalResult inferWith(mlir::MLIRContext *ctx, std::optional<mlir::Location> loc, mlir::ValueRange operands,
                              mlir::DictionaryAttr attrs, mlir::OpaqueProperties props, mlir::RegionRange regions,
                              llvm::SmallVectorImpl<mlir::Type> &types, Fn fn) {
  Shapes c{loc, operands, types};
  // Inference may run before the verifier (the importer asks first).
  int n = operands.size();
  if (n < OpT::kMinInputs || n > OpT::kMaxInputs)
    return c.fail("expects " + llvm::Twine(OpT::kMinInputs) + " to " + llvm::Twine(OpT::kMaxInputs) +
                  " operands, got " + llvm::Twine(n));
  for (mlir::Value v : operands)
    if (!isNone(v) && !llvm::isa<mlir::RankedTensorType>(v.getType()))
      return c.fail("an input has no static shape");
  if constexpr (std::is_invocable_v<Fn, Shapes &>) {
    return fn(c);
  } else {
    using Props = typename OpT::template InferredProperties<OpT>;
    Props local;
    if constexpr (!std::is_same_v<Props, mlir::EmptyProperties>) {
      if (!props) {
        auto emitError = [&] { return mlir::emitError(loc.value_or(mlir::UnknownLoc::get(ctx))); };
        if (attrs && mlir::failed(OpT::setPropertiesFromAttr(local, attrs, emitError)))
          return mlir::failure();
        OpT::populateDefaultProperties(mlir::OperationName(OpT::getOperationName(), ctx), local);
        props = mlir::OpaqueProperties(&local);
      }
    }
    return fn(c, typename OpT::Adaptor(operands, attrs, props, regions));
  }
}

} // namespace emlc::onnx

/// Defines OP::inferReturnTypes as FN(Shapes &, OP::Adaptor) or FN(Shapes &).
#define EMLC_ONNX_INFER(OP, FN)                                                                                        \
  ::llvm::LogicalResult OP::inferReturnTypes(::mlir::MLIRContext *ctx, std::optional<::mlir::Location> loc,            \
                                             ::mlir::ValueRange operands, ::mlir::DictionaryAttr attrs,                \
                                             ::mlir::OpaqueProperties props, ::mlir::RegionRange regions,              \
                                             ::llvm::SmallVectorImpl<::mlir::Type> &types) {                           \
    return ::emlc::onnx::inferWith<OP>(ctx, loc, operands, attrs, props, regions, types, FN);                          \
  }

#endif
