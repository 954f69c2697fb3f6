//===- Interpreter.h - reference evaluation of nn-level functions -*- C++ -*-===//
//
// Runs the `main` function of an nn-dialect module on the host, in float.
// Used in process, without a C compiler: by post-training quantization to
// observe activation ranges (calibration) and to measure the quantized
// model's error (SQNR), and as an independent reference for tests.
//
// Quantized tensors (`!quant.uniform` element types) are held as the real
// numbers they stand for: every op with a quantized result rounds its float
// result onto the result's grid (scale, zero point, clamp), and weights are
// their dequantized integers. This simulates the integer kernels up to their
// rounding (TFLite's fixed-point requantization differs by at most one step
// per layer), which is what SQNR measurements need.
//
// Every nn op is evaluated, with the formulas of its portable C kernel
// (lib/Interpreter/Eval*.cpp). Integer tensors (indices, casts, the int32
// arithmetic of ConvInteger) are held as floats, exact up to 2^24, and wrap
// to their width as the kernels' C arithmetic does.
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_INTERPRETER_INTERPRETER_H
#define EMLC_INTERPRETER_INTERPRETER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include <functional>
#include <string>
#include <vector>

namespace emlc {

struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> data;
  int64_t size() const { return (int64_t)data.size(); }
};

class Interpreter {
public:
  explicit Interpreter(mlir::func::FuncOp fn) : fn(fn) {}

  /// Called with every op result as it is computed (each of an op's results).
  using Observer = std::function<void(mlir::Operation *op, unsigned result, const Tensor &value)>;

  /// Evaluates the function on `inputs` (one per argument, real values).
  /// False with `error` naming the op when an op is not supported.
  bool run(const std::vector<Tensor> &inputs, std::vector<Tensor> &outputs, std::string &error,
           const Observer &observe = {});

private:
  mlir::func::FuncOp fn;
  llvm::DenseMap<mlir::Value, Tensor> constants; ///< evaluated once, kept across runs
};

} // namespace emlc

#endif
