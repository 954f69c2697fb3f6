// RUN: emlc-opt %s -split-input-file -emlc-fold-batchnorm | FileCheck %s

// The per-channel scale and shift fold into the conv's weights and bias.
// CHECK-LABEL: func @conv_scale_shift
// CHECK-DAG: %[[W:.+]] = arith.constant dense<{{\[}}[{{\[}}[2.000000e+00]]], [{{\[}}[3.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.+]] = arith.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK: %[[C:.+]] = nn.conv2d %{{.+}}, %[[W]], %[[B]]
// CHECK-NOT: nn.binary
// CHECK: return %[[C]]
func.func @conv_scale_shift(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %s = arith.constant dense<[[[2.0]], [[3.0]]]> : tensor<2x1x1xf32>
  %t = arith.constant dense<[[[1.0]], [[-1.0]]]> : tensor<2x1x1xf32>
  %0 = nn.conv2d %x, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %1 = nn.binary mul %0, %s : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %2 = nn.binary add %1, %t : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

// -----

// ONNX MatMul + Add: the add of one constant per output feature becomes the
// fully connected layer's bias (added to the bias it has).
// CHECK-LABEL: func @fc_bias
// CHECK: %[[B:.+]] = arith.constant dense<[1.500000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.+]] = nn.fully_connected %{{.+}}, %{{.+}}, %[[B]] :
// CHECK-NOT: nn.binary
// CHECK: return %[[Y]]
func.func @fc_bias(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>) -> tensor<1x2xf32> {
  %b = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %c = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %0 = nn.fully_connected %x, %w, %b : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %1 = nn.binary add %c, %0 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  return %1 : tensor<1x2xf32>
}

// -----

// The add's clamp (a fused ReLU) moves onto the fully connected layer.
// CHECK-LABEL: func @fc_bias_relu
// CHECK: nn.fully_connected %{{.+}}, %{{.+}}, %{{.+}} {act_max = 0x7F800000 : f32, act_min = 0.000000e+00 : f32}
// CHECK-NOT: nn.binary
func.func @fc_bias_relu(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>) -> tensor<1x2xf32> {
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %0 = nn.fully_connected %x, %w : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  %1 = nn.binary add %0, %c {act_min = 0.0 : f32, act_max = 0x7F800000 : f32} : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %1 : tensor<1x2xf32>
}

// -----

// Negative: a constant that varies along the rows (M = 2) is not a bias.
// CHECK-LABEL: func @fc_add_rows
// CHECK: nn.binary add
func.func @fc_add_rows(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>) -> tensor<2x3xf32> {
  %c = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = nn.fully_connected %x, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  %1 = nn.binary add %0, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// Negative: the fully connected result has another reader.
// CHECK-LABEL: func @fc_two_uses
// CHECK: nn.binary add
func.func @fc_two_uses(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %0 = nn.fully_connected %x, %w : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  %1 = nn.binary add %0, %c : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0, %1 : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// Negative: an add of a run-time value is not a bias.
// CHECK-LABEL: func @fc_add_value
// CHECK: nn.binary add
func.func @fc_add_value(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>, %y: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %0 = nn.fully_connected %x, %w : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  %1 = nn.binary add %0, %y : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  return %1 : tensor<1x2xf32>
}
