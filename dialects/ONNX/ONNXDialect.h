//===- ONNXDialect.h - the onnx dialect ------------------------*- C++ -*-===//
#ifndef EMLC_DIALECTS_ONNX_ONNXDIALECT_H
#define EMLC_DIALECTS_ONNX_ONNXDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::OpTrait {
/// "takes 2 inputs, got 1" / "takes 1 to 3 inputs, got 0": shared by the
/// verifier and shape inference (which runs first, at import).
inline std::string arityMessage(int min, int max, int got) {
  std::string want = min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max);
  return "takes " + want + (max == 1 ? " input" : " inputs") + ", got " + std::to_string(got);
}
inline std::string requiredMessage(int i) {
  return "input " + std::to_string(i) + " is required, but it is absent (an empty input name marks an optional " +
         "input as absent)";
}

/// Operand/result counts of an ONNX operator (see ONNX_Arity in ONNXOps.td).
template <int Min, int Max, int Results> struct ONNXArity {
  template <typename ConcreteType> class Impl : public TraitBase<ConcreteType, ONNXArity<Min, Max, Results>::Impl> {
  public:
    static LogicalResult verifyTrait(Operation *op) {
      int n = op->getNumOperands();
      if (n < Min || n > Max)
        return op->emitOpError() << arityMessage(Min, Max, n);
      // A required input may not be an absent optional one (onnx.none).
      for (int i = 0; i < Min && i < n; ++i)
        if (llvm::isa<NoneType>(op->getOperand(i).getType()))
          return op->emitOpError() << requiredMessage(i);
      if (Results >= 0 && (int)op->getNumResults() != Results)
        return op->emitOpError() << "expects " << Results << " results, got " << op->getNumResults();
      return success();
    }
  };
};
} // namespace mlir::OpTrait

#include "dialects/ONNX/ONNXDialect.h.inc"
#define GET_OP_CLASSES
#include "dialects/ONNX/ONNXOps.h.inc"

namespace emlc::onnx {
/// Attaches to `diag` the hint for errors that a compile-time constant would
/// avoid (a value computed at run time where emlc needs it constant). Drivers
/// print notes after the message, "message (note)".
void noteNeedsConstant(mlir::InFlightDiagnostic &diag);

/// Creates the onnx op `name` (registered) from `operands` and `attrs` (ONNX
/// attributes, checked against the op's declared kinds). Its result types are
/// the first `numResults` that its InferTypeOpInterface infers. On failure
/// returns null and sets `error` to the one-line reason (with its notes in
/// parentheses), without emitting a diagnostic.
mlir::Operation *buildOp(mlir::OpBuilder &b, mlir::Location loc, mlir::OperationName name, mlir::ValueRange operands,
                         llvm::ArrayRef<mlir::NamedAttribute> attrs, unsigned numResults, std::string &error);
/// buildOp for a one-result op class.
template <typename OpT>
OpT buildOp(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange operands,
            llvm::ArrayRef<mlir::NamedAttribute> attrs, std::string &error) {
  mlir::OperationName name(OpT::getOperationName(), b.getContext());
  return llvm::cast_or_null<OpT>(buildOp(b, loc, name, operands, attrs, 1, error));
}

/// The input count an onnx op takes (its ONNX_Op min and max), or nullopt for
/// a name that is not an onnx operator.
std::optional<std::pair<int, int>> inputArity(llvm::StringRef opName);

/// The MLIR element type of an ONNX TensorProto data type, or null.
mlir::Type elementTypeFromONNX(mlir::MLIRContext *ctx, int64_t onnxType);

/// The snake_case mnemonic of an ONNX op type ("GlobalAveragePool" ->
/// "global_average_pool").
std::string mnemonicFor(llvm::StringRef onnxOpType);
/// The ONNX op type of a mnemonic ("global_average_pool" -> "GlobalAveragePool"), for messages.
std::string onnxOpTypeFor(llvm::StringRef mnemonic);
} // namespace emlc::onnx

#endif
