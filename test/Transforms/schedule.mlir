// RUN: emlc-opt %s -emlc-schedule-for-memory | FileCheck %s
// RUN: emlc compile %inputs/tiny_branches.onnx -o %t | FileCheck %s --check-prefix=ARENA

// Two branches of 4 KiB intermediates: in the graph's order both are alive
// at once (8 KiB); the scheduler finishes the relu branch (its reduction
// frees the 4 KiB) before starting the sigmoid one. The planned arena then
// sits at the lower bound (4112 B) plus alignment, instead of 8 KiB.
// CHECK-LABEL: func @branches
// CHECK: nn.unary relu
// CHECK-NEXT: nn.reduce mean
// CHECK-NEXT: nn.unary sigmoid
// CHECK-NEXT: nn.reduce max
// CHECK-NEXT: nn.binary add
// ARENA: arena (RAM): 4128 bytes (schedule-independent lower bound 4112 bytes)
func.func @branches(%x: tensor<1x4x16x16xf32>) -> tensor<1x4x1x1xf32> {
  %a1 = nn.unary relu %x {alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
  %b1 = nn.unary sigmoid %x {alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
  %a2 = nn.reduce mean %a1 {axes = array<i64: 2, 3>} : (tensor<1x4x16x16xf32>) -> tensor<1x4x1x1xf32>
  %b2 = nn.reduce max %b1 {axes = array<i64: 2, 3>} : (tensor<1x4x16x16xf32>) -> tensor<1x4x1x1xf32>
  %y = nn.binary add %a2, %b2 : (tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xf32>
  return %y : tensor<1x4x1x1xf32>
}

// A chain has one order: unchanged.
// CHECK-LABEL: func @chain
// CHECK: nn.unary relu
// CHECK-NEXT: nn.unary sigmoid
func.func @chain(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %a = nn.unary relu %x {alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %b = nn.unary sigmoid %a {alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  return %b : tensor<1x8xf32>
}
