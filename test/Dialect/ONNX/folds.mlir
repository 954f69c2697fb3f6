// RUN: emlc-opt %s --canonicalize | FileCheck %s

// Integer elementwise folds stay within int64: a result int64 cannot hold (it
// went through double and was converted, undefined behaviour: emlc-fuzz) is not
// folded, the op stays as written.
// CHECK-LABEL: func.func @add_overflows
// CHECK: onnx.add
func.func @add_overflows() -> tensor<1xi64> {
  %a = arith.constant dense<9223372036854775000> : tensor<1xi64>
  %0 = onnx.add %a, %a : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  return %0 : tensor<1xi64>
}

// CHECK-LABEL: func.func @div_overflows
// CHECK: onnx.div
func.func @div_overflows() -> tensor<1xi64> {
  %a = arith.constant dense<-9223372036854775808> : tensor<1xi64>
  %b = arith.constant dense<-1> : tensor<1xi64>
  %0 = onnx.div %a, %b : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  return %0 : tensor<1xi64>
}

// In range, they fold.
// CHECK-LABEL: func.func @add_folds
// CHECK-NOT: onnx.add
// CHECK: arith.constant dense<6> : tensor<1xi64>
func.func @add_folds() -> tensor<1xi64> {
  %a = arith.constant dense<3> : tensor<1xi64>
  %0 = onnx.add %a, %a : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  return %0 : tensor<1xi64>
}

// An integer Range near int64's end has its exact count (1000, not the 1024
// that doubles gave, whose last elements overflowed when folded).
// CHECK-LABEL: func.func @range_near_int64_max
// The last element, 2^63 - 2, printed as little-endian hex:
// CHECK: arith.constant dense<"0x{{[0-9A-F]+}}FEFFFFFFFFFFFF7F"> : tensor<1000xi64>
func.func @range_near_int64_max() -> tensor<1000xi64> {
  %s = arith.constant dense<9223372036854774807> : tensor<i64>
  %l = arith.constant dense<9223372036854775807> : tensor<i64>
  %d = arith.constant dense<1> : tensor<i64>
  %0 = onnx.range %s, %l, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<1000xi64>
  return %0 : tensor<1000xi64>
}
