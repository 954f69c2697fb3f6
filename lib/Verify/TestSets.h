//===- TestSets.h - what emlc verify runs a model on ------------*- C++ -*-===//
//
// The inputs and expected outputs of `emlc verify`: every test_data_set_N next
// to the model, or --input (.pb, a folder of input_K.pb, or .npy) with
// --expected, or, when a model comes alone, seeded random inputs in each
// input's natural range. Where no expected outputs are given, emlc's reference
// interpreter computes them from the model as written (before any
// quantization or pruning the compile applies).
//
//===----------------------------------------------------------------------===//
#ifndef EMLC_LIB_VERIFY_TESTSETS_H
#define EMLC_LIB_VERIFY_TESTSETS_H

#include "emlc/Pipeline/Compiler.h"
#include "emlc/Verify/Verify.h"
#include "mlir/IR/BuiltinAttributes.h"
#include <string>
#include <vector>

namespace emlc {

struct TestSet {
  std::string name;                          ///< "test_data_set_0", "input.npy", "random inputs (seed 1)"
  std::vector<mlir::DenseElementsAttr> in;   ///< one per graph input (empty: random, made by the reference run)
  std::vector<mlir::DenseElementsAttr> want; ///< one per output (empty: from the interpreter)
  /// .npy inputs, typed once the model's input types are known (values, shape).
  std::vector<std::pair<std::vector<float>, std::vector<int64_t>>> npy;
  bool fromInterpreter = false; ///< `want` came from emlc's interpreter
};

/// The sets of `o` (see the file comment); false with `error` on an unreadable file.
bool readTestSets(const VerifyOptions &o, mlir::MLIRContext &ctx, std::vector<TestSet> &sets, std::string &error);

/// Fills `set.want` (and `set.in` when it is empty) by running the model as written, compiled with `co`'s
/// import options (shapes, input values) and no quantization or pruning, in the reference interpreter.
bool interpreterReference(CompileOptions co, uint64_t seed, mlir::MLIRContext &ctx, TestSet &set, std::string &error);

} // namespace emlc

#endif
