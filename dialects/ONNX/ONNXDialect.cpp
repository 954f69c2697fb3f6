//===- ONNXDialect.cpp - onnx dialect registration and op creation --------===//
//
// Registers the ops (ONNXOps.td, ONNXOperators.td) and creates them by name
// with inferred result types: the importer and the int8 rewrites build ops
// from ONNX nodes and attributes, not from C++ builders.
//
//===----------------------------------------------------------------------===//

#include "dialects/ONNX/ONNXDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace emlc::onnx;

#include "dialects/ONNX/ONNXDialect.cpp.inc"

void ONNXDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/ONNX/ONNXOps.cpp.inc"
      >();
}

Operation *ONNXDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type, Location loc) {
  if (auto dense = llvm::dyn_cast<DenseElementsAttr>(value))
    return builder.create<arith::ConstantOp>(loc, type, dense);
  return nullptr;
}

#define GET_OP_CLASSES
#include "dialects/ONNX/ONNXOps.cpp.inc"

namespace emlc::onnx {
namespace {
template <typename T, typename = void> struct HasArity : std::false_type {};
template <typename T> struct HasArity<T, std::void_t<decltype(T::kMinInputs)>> : std::true_type {};

template <typename... Ops> llvm::StringMap<std::pair<int, int>> arityTable() {
  llvm::StringMap<std::pair<int, int>> table;
  auto add = [&](auto *tag) {
    using Op = std::remove_pointer_t<decltype(tag)>;
    if constexpr (HasArity<Op>::value)
      table[Op::getOperationName()] = {Op::kMinInputs, Op::kMaxInputs};
  };
  (add((Ops *)nullptr), ...);
  return table;
}
} // namespace

std::optional<std::pair<int, int>> inputArity(StringRef opName) {
  static const llvm::StringMap<std::pair<int, int>> table = arityTable<
#define GET_OP_LIST
#include "dialects/ONNX/ONNXOps.cpp.inc"
      >();
  auto it = table.find(opName);
  if (it == table.end())
    return std::nullopt;
  return it->second;
}

void noteNeedsConstant(InFlightDiagnostic &diag) {
  diag.attachNote() << "a graph input can be fixed at compile time with --input-value NAME=FILE.pb";
}

Operation *buildOp(OpBuilder &b, Location loc, OperationName name, ValueRange operands, ArrayRef<NamedAttribute> attrs,
                   unsigned numResults, std::string &error) {
  MLIRContext *ctx = b.getContext();
  std::optional<RegisteredOperationName> reg = name.getRegisteredInfo();
  auto *infer = reg ? reg->getInterface<InferTypeOpInterface>() : nullptr;
  if (!infer) {
    error = "'" + name.getStringRef().str() + "' is not a registered onnx op";
    return nullptr;
  }
  // The first error (with its notes) becomes `error`; nothing reaches the
  // context's handlers.
  error.clear();
  ScopedDiagnosticHandler capture(ctx, [&](Diagnostic &d) {
    if (d.getSeverity() != DiagnosticSeverity::Error || !error.empty())
      return success();
    llvm::raw_string_ostream os(error);
    os << d;
    for (Diagnostic &note : d.getNotes())
      os << " (" << note << ")";
    return success();
  });
  NamedAttrList list(attrs);
  if (failed(reg->verifyInherentAttrs(list, [&] { return emitError(loc); })))
    return nullptr;
  DictionaryAttr dict = list.getDictionary(ctx);
  SmallVector<Type> types;
  if (failed(infer->inferReturnTypes(ctx, loc, operands, dict, OpaqueProperties(nullptr), {}, types))) {
    if (error.empty())
      error = "cannot infer the result types";
    return nullptr;
  }
  if (types.size() < numResults) {
    error = "produces " + std::to_string(types.size()) + " results, the node names " + std::to_string(numResults);
    return nullptr;
  }
  types.resize(numResults);
  OperationState state(loc, name);
  state.addOperands(operands);
  state.addTypes(types);
  state.addAttributes(dict.getValue());
  return b.create(state);
}

Type elementTypeFromONNX(MLIRContext *ctx, int64_t onnxType) {
  switch (onnxType) {
  case 1:
    return Float32Type::get(ctx);
  case 2:
    return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case 3:
    return IntegerType::get(ctx, 8);
  case 4:
    return IntegerType::get(ctx, 16, IntegerType::Unsigned);
  case 5:
    return IntegerType::get(ctx, 16);
  case 6:
    return IntegerType::get(ctx, 32);
  case 7:
    return IntegerType::get(ctx, 64);
  case 9:
    return IntegerType::get(ctx, 1);
  case 10:
    return Float16Type::get(ctx);
  case 11:
    return Float64Type::get(ctx);
  case 12:
    return IntegerType::get(ctx, 32, IntegerType::Unsigned);
  case 13:
    return IntegerType::get(ctx, 64, IntegerType::Unsigned);
  default:
    return {};
  }
}

std::string onnxOpTypeFor(StringRef mnemonic) {
  static const llvm::StringMap<std::string> special = {
      {"lstm", "LSTM"}, {"gru", "GRU"}, {"rnn", "RNN"}, {"p_relu", "PRelu"}, {"mat_mul", "MatMul"}};
  if (auto it = special.find(mnemonic); it != special.end())
    return it->second;
  std::string out;
  bool upper = true;
  for (char ch : mnemonic) {
    if (ch == '_') {
      upper = true;
      continue;
    }
    out.push_back(upper ? (char)std::toupper((unsigned char)ch) : ch);
    upper = false;
  }
  return out;
}

std::string mnemonicFor(StringRef onnxOpType) {
  // Special cases where the ONNX name has an acronym.
  static const llvm::StringMap<std::string> special = {{"LSTM", "lstm"},
                                                       {"GRU", "gru"},
                                                       {"RNN", "rnn"},
                                                       {"PRelu", "p_relu"},
                                                       {"MatMul", "mat_mul"},
                                                       {"QLinearConv", "q_linear_conv"},
                                                       {"QLinearMatMul", "q_linear_mat_mul"}};
  if (auto it = special.find(onnxOpType); it != special.end())
    return it->second;
  std::string out;
  for (size_t i = 0; i < onnxOpType.size(); ++i) {
    char ch = onnxOpType[i];
    if (std::isupper((unsigned char)ch)) {
      if (i > 0)
        out.push_back('_');
      out.push_back(std::tolower((unsigned char)ch));
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

} // namespace emlc::onnx
