//===- Lowering.h - the onnx -> nn lowering functions and their helpers -*- C++ -*-===//
//
// One lowering function per onnx op, found in a table keyed by the op class
// (STYLE #8); the families register theirs from LowerCompute.cpp,
// LowerElementwise.cpp, LowerDataMovement.cpp and LowerRecurrent.cpp. A
// lowering reads its attributes through the op's typed accessors and replaces
// every result; on a bail-out it reports why with Lowerer::fail.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_LIB_CONVERSION_ONNXTONN_LOWERING_H
#define EMLC_LIB_CONVERSION_ONNXTONN_LOWERING_H

#include "dialects/NN/NNDialect.h"
#include "dialects/ONNX/ONNXAttrUtils.h"
#include "dialects/ONNX/ONNXDialect.h"
#include "emlc/Support/ConstantUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/DenseMap.h"
#include <algorithm>
#include <functional>
#include <string>

namespace emlc::lowering {

using Shape = llvm::SmallVector<int64_t>;
using onnx::getConstant;
using onnx::getConstInts;
using onnx::isNone;

/// The op being lowered, with builder helpers shared by all lowerings.
struct Lowerer {
  mlir::Operation *op;
  mlir::IRRewriter &rw;
  mlir::Location loc;

  Lowerer(mlir::Operation *op, mlir::IRRewriter &rw) : op(op), rw(rw), loc(op->getLoc()) {}

  /// Reports why the op cannot be lowered, as "(OpType, opset N): why"; the
  /// driver prefixes the node name from the location.
  mlir::LogicalResult fail(const llvm::Twine &why);
  /// fail() for a value computed at run time where a constant is needed: adds
  /// the hint on binding a graph input at compile time.
  mlir::LogicalResult failNeedsConstant(const llvm::Twine &why);

  mlir::Value in(unsigned i) const { return i < op->getNumOperands() ? op->getOperand(i) : mlir::Value(); }
  bool has(unsigned i) const { return !isNone(in(i)); }
  mlir::RankedTensorType type(mlir::Value v) const { return llvm::cast<mlir::RankedTensorType>(v.getType()); }
  mlir::RankedTensorType outType(unsigned i = 0) const { return type(op->getResult(i)); }
  Shape shape(mlir::Value v) const { return Shape(type(v).getShape()); }

  mlir::Value constant(mlir::DenseElementsAttr a) { return rw.create<mlir::arith::ConstantOp>(loc, a); }
  mlir::Value f32(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<float> v) {
    return constant(f32Constant(rw.getContext(), shape, v));
  }
  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Value v, llvm::ArrayRef<int64_t> perm);
  mlir::Value binary(nn::BinaryKind k, mlir::Value a, mlir::Value b);
  mlir::Value cast(mlir::Value v, mlir::Type elem);
  mlir::Value unary(nn::UnaryKind k, mlir::Value x, float alpha = 0, float beta = 0) {
    return rw.create<nn::UnaryOp>(loc, x.getType(), nn::UnaryKindAttr::get(rw.getContext(), k), x,
                                  rw.getF32FloatAttr(alpha), rw.getF32FloatAttr(beta));
  }
  /// nn.normalize over the axes from `axis`, with its mean/inv-std results.
  nn::NormalizeOp normalize(mlir::Value x, int64_t axis, float eps);
  void replace(llvm::ArrayRef<mlir::Value> vals) {
    for (auto [r, v] : llvm::zip(op->getResults(), vals))
      r.replaceAllUsesWith(v);
  }
};

/// Op class -> lowering. `add<OpT>(fn)` takes fn(Lowerer &, OpT).
class LoweringTable {
public:
  using Fn = std::function<mlir::LogicalResult(Lowerer &)>;
  template <typename OpT, typename F> void add(F fn) {
    fns[mlir::TypeID::get<OpT>()] = [fn](Lowerer &L) { return fn(L, llvm::cast<OpT>(L.op)); };
  }
  /// One lowering for several op classes (fn takes `auto op`).
  template <typename... OpTs, typename F> void addAll(F fn) { (add<OpTs>(fn), ...); }
  const Fn *lookup(mlir::Operation *op) const {
    auto it = fns.find(op->getName().getTypeID());
    return it == fns.end() ? nullptr : &it->second;
  }

private:
  llvm::DenseMap<mlir::TypeID, Fn> fns;
};

void addComputeLowerings(LoweringTable &t);     ///< conv, gemm, matmul, pooling, normalization
void addElementwiseLowerings(LoweringTable &t); ///< unary/binary math, cast, (de)quantization
void addDataMovementLowerings(LoweringTable &t);
void addRecurrentLowerings(LoweringTable &t); ///< LSTM, GRU, RNN

/// Lowerings that unroll bound the ops they make: the layers that reach
/// microcontrollers have a few dozen copies, and a hostile shape (emlc-fuzz:
/// 65,534 depth planes, a GRU over 65,535 steps) would otherwise become
/// hundreds of thousands of ops and minutes of passes. The bounds keep the
/// largest accepted layer to about a second of compile (a few under the fuzz
/// build's sanitizers, whose hang limit is 10 s).
/// 3-D layers: 2-D layers, one per output depth plane and kernel depth (3 ops
/// each; at 4,096 a conv took 3 s, 15 s under the sanitizers).
constexpr int64_t kMaxUnrolledLayers = 1024;
/// Recurrent layers: cells, one per time step and direction (about 20 ops
/// each; a GRU of 1,024 steps took 2.8 s, 16 s under the sanitizers).
constexpr int64_t kMaxUnrolledCells = 256;
/// The refusal of a layer that would unroll into `count` x `per` copies (as
/// `unrolled` describes them), more than `limit`; empty when within it.
/// `usual` says what real layers need, `shorter` what to bind smaller.
inline std::string unrollLimitError(const std::string &what, const char *unrolled, int64_t count, int64_t per,
                                    int64_t limit, const char *usual, const char *shorter) {
  if (count <= limit / std::max<int64_t>(per, 1))
    return "";
  return what + " is " + unrolled + ": " + std::to_string(count) + " x " + std::to_string(per) +
         " here, over emlc's limit of " + std::to_string(limit) + " (" + usual + "); bind " + shorter +
         " with --shape or split the layer";
}

/// A quantization parameter (scalar, or one value per channel of `axis`)
/// shaped to broadcast against a rank-`rank` tensor.
mlir::Value quantParam(Lowerer &L, mlir::Value p, int64_t axis, int64_t rank);
/// Shape [C] parameters broadcast over axis 1 of a rank-r tensor: [C, 1, ...].
Shape channelShape(int64_t c, int64_t rank);

} // namespace emlc::lowering

#endif
