// RUN: emlc-opt %s -split-input-file -emlc-fold-pad-into-conv | FileCheck %s

// A zero Pad of H and W (PyTorch's and TensorFlow's explicit padding) becomes
// the conv's own padding: [top, left, bottom, right] += the Pad's H/W pads.
// CHECK-LABEL: func @pad_conv
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x2x5x5xf32>
// CHECK-NOT: nn.pad
// CHECK: nn.conv2d %[[X]], {{.*}}pads = array<i64: 1, 0, 1, 2>
func.func @pad_conv(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x5x5xf32> {
  %p = nn.pad %x {mode = "constant", pads = array<i64: 0, 0, 1, 0, 0, 0, 0, 1>, value = 0.0 : f32} : (tensor<1x2x5x5xf32>) -> tensor<1x2x6x6xf32>
  %0 = nn.conv2d %p, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x6x6xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x5x5xf32>
  return %0 : tensor<1x4x5x5xf32>
}

// -----

// Negative: a Pad with a non-zero value is not the conv's zero padding.
// CHECK-LABEL: func @pad_value
// CHECK: nn.pad
// CHECK: nn.conv2d {{.*}}pads = array<i64: 0, 0, 0, 0>
func.func @pad_value(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32> {
  %p = nn.pad %x {mode = "constant", pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 1.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %0 = nn.conv2d %p, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Negative: reflect padding.
// CHECK-LABEL: func @pad_reflect
// CHECK: nn.pad
func.func @pad_reflect(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32> {
  %p = nn.pad %x {mode = "reflect", pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 0.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %0 = nn.conv2d %p, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Negative: padding the channels.
// CHECK-LABEL: func @pad_channels
// CHECK: nn.pad
func.func @pad_channels(%x: tensor<1x1x4x4xf32>, %w: tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32> {
  %p = nn.pad %x {mode = "constant", pads = array<i64: 0, 1, 0, 0, 0, 0, 0, 0>, value = 0.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %0 = nn.conv2d %p, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Negative: padding as wide as the kernel (a 1x1 conv) would give outputs that
// read padding only.
// CHECK-LABEL: func @pad_wide
// CHECK: nn.pad
func.func @pad_wide(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x1x1xf32>) -> tensor<1x1x6x6xf32> {
  %p = nn.pad %x {mode = "constant", pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 0.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %0 = nn.conv2d %p, %w {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x6x6xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x6x6xf32>
  return %0 : tensor<1x1x6x6xf32>
}
