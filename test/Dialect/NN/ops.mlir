// RUN: emlc-opt %s | emlc-opt | FileCheck %s

// CHECK-LABEL: func @conv_pool_fc
// CHECK: %[[C:.+]] = nn.conv2d %{{.+}}, %{{.+}}, %{{.+}} {act_max = 6.000000e+00 : f32, act_min = 0.000000e+00 : f32, dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
// CHECK: %[[P:.+]] = nn.pool2d max %[[C]]
// CHECK: %[[R:.+]] = nn.reshape %[[P]] : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
// CHECK: nn.fully_connected %[[R]], %{{.+}} : (tensor<1x8xf32>, tensor<3x8xf32>) -> tensor<1x3xf32>
func.func @conv_pool_fc(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>, %fw: tensor<3x8xf32>) -> tensor<1x3xf32> {
  %0 = nn.conv2d %x, %w, %b {act_max = 6.0 : f32, act_min = 0.0 : f32, dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %1 = nn.pool2d max %0 {count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %2 = nn.reshape %1 : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  %3 = nn.fully_connected %2, %fw : (tensor<1x8xf32>, tensor<3x8xf32>) -> tensor<1x3xf32>
  return %3 : tensor<1x3xf32>
}

// Elementwise ops carry their function as an enum.
// CHECK-LABEL: func @elementwise
// CHECK: nn.unary leaky_relu %{{.+}} {alpha = 1.000000e-01 : f32}
// CHECK: nn.binary add %{{.+}}, %{{.+}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @elementwise(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = nn.unary leaky_relu %x {alpha = 0.1 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = nn.binary add %0, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}
