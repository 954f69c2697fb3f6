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
  /// The present inputs among `indices` share one element type (ONNX's type
  /// variable T): mixed float32 and float16 operands are refused, not guessed.
  mlir::LogicalResult sameElementType(std::initializer_list<unsigned> indices) const {
    std::optional<unsigned> first;
    for (unsigned i : indices) {
      if (!has(i))
        continue;
      if (!first) {
        first = i;
        continue;
      }
      if (elem(i) != elem(*first))
        return fail("input " + llvm::Twine(i) + " has element type " + typeName(elem(i)) + ", input " +
                    llvm::Twine(*first) + " has " + typeName(elem(*first)) +
                    "; they must agree (insert a Cast node to convert one)");
    }
    return mlir::success();
  }
  /// All present inputs share one element type.
  mlir::LogicalResult allSameElementType() const {
    for (unsigned i = 1; i < operands.size(); ++i)
      if (has(i) && has(0) && elem(i) != elem(0))
        return sameElementType({0, i});
    return mlir::success();
  }
  static std::string typeName(mlir::Type t) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << t;
    return s;
  }
  void add(llvm::ArrayRef<int64_t> s, mlir::Type e) { results.push_back(mlir::RankedTensorType::get(s, e)); }
  /// The result has operand 0's type.
  mlir::LogicalResult same() {
    results.push_back(operands[0].getType());
    return mlir::success();
  }
};

/// Constant scale operands at `indices` (quantization) are finite and > 0.
mlir::LogicalResult checkScales(Shapes &c, std::initializer_list<unsigned> indices);

/// Runs the op's rule with the adaptor it takes (see inferWith).
template <typename OpT, typename Fn>
mlir::LogicalResult inferChecked(mlir::MLIRContext *ctx, Shapes &c, mlir::DictionaryAttr attrs,
                                 mlir::OpaqueProperties props, mlir::RegionRange regions, Fn fn) {
  auto loc = c.loc;
  mlir::ValueRange operands = c.operands;
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

/// Runs `fn(Shapes &, OpT::Adaptor)` (or `fn(Shapes &)`) once every operand is
/// known to have a static shape. Without `props` (the importer asks before the
/// op exists) the adaptor reads the attributes from `attrs`, with the op's
/// defaults filled in as op creation would.
template <typename OpT, typename Fn>
mlir::LogicalResult inferWith(mlir::MLIRContext *ctx, std::optional<mlir::Location> loc, mlir::ValueRange operands,
                              mlir::DictionaryAttr attrs, mlir::OpaqueProperties props, mlir::RegionRange regions,
                              llvm::SmallVectorImpl<mlir::Type> &types, Fn fn) {
  Shapes c{loc, operands, types};
  // Inference may run before the verifier (the importer asks first), so it
  // checks what the rules below read: the operand count, required operands
  // present, static shapes.
  int n = operands.size();
  if (n < OpT::kMinInputs || n > OpT::kMaxInputs)
    return c.fail(mlir::OpTrait::arityMessage(OpT::kMinInputs, OpT::kMaxInputs, n));
  for (int i = 0; i < OpT::kMinInputs; ++i)
    if (isNone(operands[i]))
      return c.fail(mlir::OpTrait::requiredMessage(i));
  for (mlir::Value v : operands)
    if (!isNone(v) && !llvm::isa<mlir::RankedTensorType>(v.getType()))
      return c.fail("an input has no static shape");
  if (mlir::failed(inferChecked<OpT>(ctx, c, attrs, props, regions, fn)))
    return mlir::failure();
  // No op may produce a shape whose size cannot be computed: negative
  // dimensions and element counts beyond int64 stop here, before any pass or
  // emitter multiplies them.
  for (auto [i, t] : llvm::enumerate(types)) {
    auto rt = llvm::dyn_cast<mlir::RankedTensorType>(t);
    if (!rt)
      continue;
    if (llvm::any_of(rt.getShape(), [](int64_t d) { return d < 0; }))
      return c.fail("result " + llvm::Twine(i) + " would have a negative dimension (" + shapeString(rt.getShape()) +
                    ")");
    if (!elementCount(rt.getShape()))
      return c.fail("result " + llvm::Twine(i) + " would have more elements than int64 can count (" +
                    shapeString(rt.getShape()) + "): the sizes overflow");
  }
  return mlir::success();
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
