//===- Eval.h - the reference interpreter's op evaluation (internal) -*- C++ -*-===//
//
// What the run loop (Interpreter.cpp) shares with the op families:
// EvalCompute.cpp (convolutions, fully connected, matmul, elementwise,
// pooling, reductions, softmax, normalize) and EvalDataMovement.cpp (layout
// changes, pad, gather, cast, resize, quantization casts). Each family
// evaluates an op with the formulas and in the loop order of its portable C
// kernel (targets/generic/kernels), in float or double.
//
// Values are `Tensor`s of floats whatever their element type: integers are
// exact up to 2^24, and an integer result is wrapped to its type's width as
// the C kernel's arithmetic wraps (`finish`).
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_LIB_INTERPRETER_EVAL_H
#define EMLC_LIB_INTERPRETER_EVAL_H

#include "emlc/Interpreter/Interpreter.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <optional>
#include <string>
#include <vector>

namespace emlc::interp {

using Shape = std::vector<int64_t>;

Shape shapeOf(mlir::Value v);
mlir::Type elemOf(mlir::Value v);
int64_t numel(const Shape &s);
Shape stridesOf(const Shape &s);
Tensor zeros(Shape s);

/// The grid of a quantized element type: scale and zero point per channel of
/// `axis` (-1: per tensor) and the storage range.
struct Grid {
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  int64_t axis = -1, qmin = 0, qmax = 0;
  double scale(int64_t c) const { return scales[axis < 0 ? 0 : c]; }
  int64_t zeroPoint(int64_t c) const { return zeroPoints[axis < 0 ? 0 : c]; }
};
std::optional<Grid> gridOf(mlir::Type t);
/// The channel of flat index i along `axis` of shape s.
int64_t channelOf(const Shape &s, int64_t axis, int64_t i);

/// A real value converted to element type `t` as C's cast `(T)v` does:
/// float types round (float16/bfloat16 to nearest even), integer types
/// truncate toward zero and wrap to their width, bool is `v != 0`. (A float
/// outside the integer range is undefined behaviour in C; here it saturates to
/// int64 before wrapping.)
double convertTo(double v, mlir::Type t);

/// The result's clamp and type: a float clamp, or (quantized results) the
/// storage clamp after rounding onto the result grid; integer results wrap to
/// their width.
void finish(Tensor &y, mlir::Value result, std::optional<llvm::APFloat> actMin = std::nullopt,
            std::optional<llvm::APFloat> actMax = std::nullopt);

/// Flat index into a tensor of shape `in` broadcast to `out`, for output index i.
struct Broadcast {
  Shape outStrides, inStrides; // inStrides 0 on broadcast axes
  Broadcast(const Shape &in, const Shape &out) : outStrides(stridesOf(out)), inStrides(out.size(), 0) {
    Shape st = stridesOf(in);
    size_t off = out.size() - in.size();
    for (size_t d = 0; d < in.size(); ++d)
      inStrides[off + d] = in[d] == 1 ? 0 : st[d];
  }
  int64_t operator()(int64_t i) const {
    int64_t r = 0;
    for (size_t d = 0; d < outStrides.size(); ++d) {
      r += (i / outStrides[d]) * inStrides[d];
      i %= outStrides[d];
    }
    return r;
  }
};

/// The value of an operand (an argument, a constant or an earlier result).
using Operands = llvm::function_ref<const Tensor &(mlir::Value)>;

/// An op family's answer: evaluated (one tensor per result), not one of its
/// ops, or one of its ops in a form it cannot evaluate (`why` says which).
enum class Eval { done, notMine, unsupported };
Eval evalCompute(mlir::Operation *op, Operands get, std::vector<Tensor> &results, std::string &why);
Eval evalDataMovement(mlir::Operation *op, Operands get, std::vector<Tensor> &results, std::string &why);

} // namespace emlc::interp

#endif
