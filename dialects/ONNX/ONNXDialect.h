//===- ONNXDialect.h - the onnx dialect ------------------------*- C++ -*-===//
#ifndef EMLC_DIALECTS_ONNX_ONNXDIALECT_H
#define EMLC_DIALECTS_ONNX_ONNXDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::OpTrait {
/// Operand/result counts of an ONNX operator (see ONNX_Arity in ONNXOps.td).
template <int Min, int Max, int Results> struct ONNXArity {
  template <typename ConcreteType>
  class Impl : public TraitBase<ConcreteType, ONNXArity<Min, Max, Results>::Impl> {
  public:
    static LogicalResult verifyTrait(Operation *op) {
      int n = op->getNumOperands();
      if (n < Min || n > Max)
        return op->emitOpError() << "expects " << Min << " to " << Max
                                 << " operands, got " << n;
      if (Results >= 0 && (int)op->getNumResults() != Results)
        return op->emitOpError() << "expects " << Results << " results, got "
                                 << op->getNumResults();
      return success();
    }
  };
};
} // namespace mlir::OpTrait

#include "dialects/ONNX/ONNXDialect.h.inc"
#define GET_OP_CLASSES
#include "dialects/ONNX/ONNXOps.h.inc"

namespace emlc::onnx {
/// Computes the static result types of the onnx op `opName` (without the
/// dialect prefix) from its operands (constant operands are read through their
/// defining constant op) and attributes. On failure returns false and sets
/// `error` to a one-line reason naming the attribute or input at fault.
bool inferResultTypes(llvm::StringRef opName, mlir::ValueRange operands,
                      mlir::DictionaryAttr attrs, unsigned numResults,
                      llvm::SmallVectorImpl<mlir::Type> &resultTypes,
                      std::string &error);

/// Creates the onnx op `mnemonic` (registered) with result types from
/// inferResultTypes; null with `error` set when they cannot be inferred.
mlir::Operation *buildOp(mlir::OpBuilder &b, mlir::Location loc, llvm::StringRef mnemonic,
                         mlir::ValueRange operands, mlir::DictionaryAttr attrs, unsigned numResults,
                         std::string &error);

/// The MLIR element type of an ONNX TensorProto data type, or null.
mlir::Type elementTypeFromONNX(mlir::MLIRContext *ctx, int64_t onnxType);

/// The snake_case mnemonic of an ONNX op type ("GlobalAveragePool" ->
/// "global_average_pool").
std::string mnemonicFor(llvm::StringRef onnxOpType);
/// The ONNX op type of a mnemonic ("global_average_pool" -> "GlobalAveragePool"), for messages.
std::string onnxOpTypeFor(llvm::StringRef mnemonic);
} // namespace emlc::onnx

#endif
