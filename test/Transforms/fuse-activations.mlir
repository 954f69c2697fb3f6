// RUN: emlc-opt %s -split-input-file -emlc-fuse-activations | FileCheck %s

// Relu after a conv becomes the conv's clamp.
// CHECK-LABEL: func @conv_relu
// CHECK: %[[C:.+]] = nn.conv2d {{.*}}act_max = 0x7F800000 : f32, act_min = 0.000000e+00 : f32
// CHECK-NOT: nn.unary
// CHECK: return %[[C]]
func.func @conv_relu(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32> {
  %0 = nn.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %1 = nn.unary relu %0 : (tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %1 : tensor<1x1x3x3xf32>
}

// -----

// Clip(0, 6) after a fully connected layer becomes its clamp.
// CHECK-LABEL: func @fc_relu6
// CHECK: nn.fully_connected {{.*}}{act_max = 6.000000e+00 : f32, act_min = 0.000000e+00 : f32}
func.func @fc_relu6(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>) -> tensor<1x2xf32> {
  %0 = nn.fully_connected %x, %w : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  %1 = nn.unary clip %0 {alpha = 0.0 : f32, beta = 6.0 : f32} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %1 : tensor<1x2xf32>
}

// -----

// No fusion when the producer's result has another use.
// CHECK-LABEL: func @two_uses
// CHECK: nn.unary relu
func.func @two_uses(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %0 = nn.fully_connected %x, %w : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  %1 = nn.unary relu %0 : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0, %1 : tensor<1x2xf32>, tensor<1x2xf32>
}
