// RUN: emlc-opt %s -split-input-file -emlc-eliminate-transposes | FileCheck %s

// NCHW -> NHWC of a 1x1 plane (TensorFlow's exports, before the classifier)
// moves no bytes: a reshape (a view).
// CHECK-LABEL: func @unit_plane
// CHECK: %[[R:.+]] = nn.reshape %{{.+}} : (tensor<1x64x1x1xf32>) -> tensor<1x1x1x64xf32>
// CHECK-NOT: nn.transpose
// CHECK: return %[[R]]
func.func @unit_plane(%x: tensor<1x64x1x1xf32>) -> tensor<1x1x1x64xf32> {
  %0 = nn.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x64x1x1xf32>) -> tensor<1x1x1x64xf32>
  return %0 : tensor<1x1x1x64xf32>
}

// -----

// The same on a quantized tensor: the view keeps its type.
// CHECK-LABEL: func @unit_plane_int8
// CHECK: nn.reshape %{{.+}} : (tensor<1x8x1x1x!quant.uniform<i8:f32, 5.000000e-01:-3>>) -> tensor<1x1x1x8x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK-NOT: nn.transpose
func.func @unit_plane_int8(%x: tensor<1x8x1x1x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x1x1x8x!quant.uniform<i8:f32, 0.5:-3>> {
  %0 = nn.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x1x1x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x1x1x8x!quant.uniform<i8:f32, 0.5:-3>>
  return %0 : tensor<1x1x1x8x!quant.uniform<i8:f32, 0.5:-3>>
}

// -----

// Negative: a transpose that reorders non-unit axes stays.
// CHECK-LABEL: func @real_transpose
// CHECK: nn.transpose %{{.+}} {perm = array<i64: 0, 2, 3, 1>}
// CHECK-NOT: nn.reshape
func.func @real_transpose(%x: tensor<1x8x2x1xf32>) -> tensor<1x2x1x8xf32> {
  %0 = nn.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x2x1xf32>) -> tensor<1x2x1x8xf32>
  return %0 : tensor<1x2x1x8xf32>
}

// -----

// Two transposes that cancel: none.
// CHECK-LABEL: func @cancel
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x4x5xf32>)
// CHECK-NOT: nn.transpose
// CHECK: return %[[X]]
func.func @cancel(%x: tensor<1x3x4x5xf32>) -> tensor<1x3x4x5xf32> {
  %0 = nn.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32>
  %1 = nn.transpose %0 {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x5x3xf32>) -> tensor<1x3x4x5xf32>
  return %1 : tensor<1x3x4x5xf32>
}

// -----

// Two transposes that do not cancel: one, composed (y[i] = x[inner[outer[i]]]).
// CHECK-LABEL: func @compose
// CHECK: %[[T:.+]] = nn.transpose %{{.+}} {perm = array<i64: 2, 0, 1>} : (tensor<3x4x5xf32>) -> tensor<5x3x4xf32>
// CHECK-NOT: nn.transpose
// CHECK: return %[[T]]
func.func @compose(%x: tensor<3x4x5xf32>) -> tensor<5x3x4xf32> {
  %0 = nn.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<3x4x5xf32>) -> tensor<4x3x5xf32>
  %1 = nn.transpose %0 {perm = array<i64: 2, 1, 0>} : (tensor<4x3x5xf32>) -> tensor<5x3x4xf32>
  return %1 : tensor<5x3x4xf32>
}
